#!/usr/bin/env node
// The AWS SDK for JavaScript v3 (@aws-sdk/client-xray) against `xray-conformance serve`:
// PutTraceSegments signed with SigV4 by a third implementation, beside boto3 and the SDK for Rust.
//
//     node .ci/clients/xray_put_node.js --endpoint http://127.0.0.1:PORT --key KEY --secret SECRET
//
// The server runs with --check-signature KEY:SECRET. Checks, in order:
//   (a) 3 valid documents             -> UnprocessedTraceSegments empty
//   (b) 1 valid + 1 without "name"    -> exactly one entry: the bad Id, ErrorCode MissingName
//   (c) 51 valid documents            -> InvalidRequestException, "Exceeding maximum segment count"
//   (d) signed with another secret    -> InvalidSignatureException (HTTP 403), no retry
// Exit 0 and "xray put node: N checks passed"; exit 1 and "xray put node: FAIL: ..." otherwise.
'use strict';

const crypto = require('crypto');
const { XRayClient, PutTraceSegmentsCommand } = require('@aws-sdk/client-xray');

const MAX_ATTEMPTS = 3;
const TIMEOUT_MS = 10000;

class CheckFailed extends Error {}

function args() {
  const out = {};
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) {
    if (!['--endpoint', '--key', '--secret'].includes(argv[i]) || argv[i + 1] === undefined) {
      throw new CheckFailed(`usage: xray_put_node.js --endpoint URL --key KEY --secret SECRET (got ${argv.join(' ')})`);
    }
    out[argv[i].slice(2)] = argv[i + 1];
  }
  if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(out.endpoint || '') || !out.key || !out.secret) {
    throw new CheckFailed('--endpoint http://127.0.0.1:PORT, --key and --secret are required');
  }
  return out;
}

function client(endpoint, key, secret) {
  return new XRayClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: key, secretAccessKey: secret },
    maxAttempts: MAX_ATTEMPTS,
    requestHandler: { requestTimeout: TIMEOUT_MS, connectionTimeout: TIMEOUT_MS },
  });
}

const hex = (bytes) => crypto.randomBytes(bytes).toString('hex');

function segment(name) {
  const now = Date.now() / 1000;
  const doc = {
    trace_id: `1-${Math.floor(now).toString(16)}-${hex(12)}`,
    id: hex(8),
    start_time: now - 0.25,
    end_time: now,
    http: { request: { method: 'GET', url: 'https://shop.example.com/api/cart' }, response: { status: 200 } },
  };
  if (name !== undefined) doc.name = name;
  return doc;
}

async function main() {
  const { endpoint, key, secret } = args();
  const xray = client(endpoint, key, secret);
  let passed = 0;
  const ok = (cond, what) => {
    if (!cond) throw new CheckFailed(what);
    passed += 1;
  };
  const put = (c, docs) => c.send(new PutTraceSegmentsCommand({
    TraceSegmentDocuments: docs.map((d) => JSON.stringify(d)),
  }));

  // (a)
  const a = await put(xray, [segment('cart-api'), segment('cart-api'), segment('cart-api')]);
  const aLeft = a.UnprocessedTraceSegments || [];
  ok(aLeft.length === 0, `(a) 3 valid documents: UnprocessedTraceSegments ${JSON.stringify(aLeft)}`);
  ok(a.$metadata.httpStatusCode === 200, `(a) HTTP ${a.$metadata.httpStatusCode}`);

  // (b)
  const bad = segment(undefined);
  const b = await put(xray, [segment('cart-api'), bad]);
  const bLeft = b.UnprocessedTraceSegments || [];
  ok(bLeft.length === 1, `(b) expected one unprocessed entry, got ${JSON.stringify(bLeft)}`);
  ok(bLeft[0].Id === bad.id && bLeft[0].ErrorCode === 'MissingName',
    `(b) expected Id ${bad.id} and ErrorCode MissingName, got ${JSON.stringify(bLeft[0])}`);

  // (c)
  const many = Array.from({ length: 51 }, () => segment('cart-api'));
  try {
    await put(xray, many);
    ok(false, '(c) 51 documents were accepted');
  } catch (e) {
    if (e instanceof CheckFailed) throw e;
    ok(e.name === 'InvalidRequestException', `(c) expected InvalidRequestException, got ${e.name}: ${e.message}`);
    ok(/Exceeding maximum segment count/.test(e.message), `(c) message: ${e.message}`);
  }

  // (d)
  const wrong = client(endpoint, key, `${secret}-not`);
  try {
    await put(wrong, [segment('cart-api')]);
    ok(false, '(d) a call signed with another secret was accepted');
  } catch (e) {
    if (e instanceof CheckFailed) throw e;
    ok(e.name === 'InvalidSignatureException' && e.$metadata.httpStatusCode === 403,
      `(d) expected InvalidSignatureException (403), got ${e.name} (${e.$metadata && e.$metadata.httpStatusCode}): ${e.message}`);
    ok(e.$metadata.attempts === 1, `(d) retried a signature error: ${e.$metadata.attempts} attempts`);
  }

  console.log(`xray put node: ${passed} checks passed`);
}

main().then(
  () => process.exit(0),
  (e) => {
    console.log(`xray put node: FAIL: ${e instanceof CheckFailed ? e.message : e.stack}`);
    process.exit(1);
  },
);
