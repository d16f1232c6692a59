//! `aws` (spec 1.5): the segment and subsegment members share one table, since unknown keys are
//! ignored anyway and no member means different things in the two places.

use super::fields::Spec::{self, *};
use super::fields::{member, Member};

const EC2: &[Member] = &[
    member("instance_id", Str),
    member("instance_size", Str),
    member("ami_id", Str),
    member("availability_zone", Str),
];
const ECS: &[Member] = &[
    member("container", Str),
    member("container_id", Str),
    member("container_arn", Str),
];
const EKS: &[Member] = &[
    member("pod", Str),
    member("cluster_name", Str),
    member("container_id", Str),
];
const BEANSTALK: &[Member] = &[
    member("environment_name", Str),
    member("version_label", Str),
    member("deployment_id", Number),
];
const XRAY: &[Member] = &[
    member("auto_instrumentation", Bool),
    member("sdk_version", Str),
    member("sdk", Str),
];
const LOGS: &[Member] = &[member("log_group", Str), member("arn", Str)];

pub(crate) const AWS: Spec = Obj(&[
    member("account_id", Str),
    member("cloudwatch_logs", ObjArray(LOGS)),
    member("ec2", Obj(EC2)),
    member("ecs", Obj(ECS)),
    member("eks", Obj(EKS)),
    member("elastic_beanstalk", Obj(BEANSTALK)),
    member("xray", Obj(XRAY)),
    member("operation", Str),
    member("region", Str),
    member("request_id", Str),
    member("queue_url", Str),
    member("table_name", Str),
    member("resource_names", StrArray),
    member("table_names", StrArray),
    member("retries", Int),
]);
