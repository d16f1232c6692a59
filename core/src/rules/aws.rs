//! `aws` (spec 1.5): the segment and subsegment members share one table, since unknown keys are
//! ignored anyway and no member means different things in the two places.

use super::fields::Spec::{self, *};

const EC2: &[(&str, Spec)] = &[
    ("instance_id", Str),
    ("instance_size", Str),
    ("ami_id", Str),
    ("availability_zone", Str),
];
const ECS: &[(&str, Spec)] = &[
    ("container", Str),
    ("container_id", Str),
    ("container_arn", Str),
];
const EKS: &[(&str, Spec)] = &[("pod", Str), ("cluster_name", Str), ("container_id", Str)];
const BEANSTALK: &[(&str, Spec)] = &[
    ("environment_name", Str),
    ("version_label", Str),
    ("deployment_id", Number),
];
const XRAY: &[(&str, Spec)] = &[
    ("auto_instrumentation", Bool),
    ("sdk_version", Str),
    ("sdk", Str),
];
const LOGS: &[(&str, Spec)] = &[("log_group", Str), ("arn", Str)];

pub(crate) const AWS: Spec = Obj(&[
    ("account_id", Str),
    ("cloudwatch_logs", ObjArray(LOGS)),
    ("ec2", Obj(EC2)),
    ("ecs", Obj(ECS)),
    ("eks", Obj(EKS)),
    ("elastic_beanstalk", Obj(BEANSTALK)),
    ("xray", Obj(XRAY)),
    ("operation", Str),
    ("region", Str),
    ("request_id", Str),
    ("queue_url", Str),
    ("table_name", Str),
    ("resource_names", StrArray),
    ("table_names", StrArray),
    ("retries", Int),
]);
