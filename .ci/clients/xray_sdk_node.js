#!/usr/bin/env node
// The AWS X-Ray SDK for Node.js (aws-xray-sdk-core) against `xray-conformance serve`, over the
// daemon's UDP protocol.
//
//     node .ci/clients/xray_sdk_node.js --http http://127.0.0.1:PORT --udp 127.0.0.1:PORT
//
// The script runs a small HTTP server on 127.0.0.1 traced as an application would trace it: the
// SDK's middleware opens a segment per incoming request (client IP, user agent, status), and the
// handler adds annotations, metadata and a user, a database subsegment with an sql block, a
// remote subsegment that fails (cause.exceptions, fault), and an outgoing HTTP call through the
// SDK's captured `http` module (to serve's own GET /_xray/documents). One request is made to it;
// when the response finishes, the SDK sends the segment over UDP.
//
// Then GET /_xray/documents is polled (at most 10 s, every 0.2 s) until the segment is recorded,
// and the checks are: recorded once, with source "udp", verdict "accepted", the SDK's trace id
// and the length of the document the SDK sent, which holds the subsegments the handler made.
// Diagnostics of the record are printed.
// Exit 0 and "xray sdk node: 1 document accepted"; exit 1 and "xray sdk node: FAIL: ..." otherwise.
'use strict';

// Environment variables that would override the configuration below.
for (const v of ['AWS_XRAY_DAEMON_ADDRESS', 'AWS_XRAY_CONTEXT_MISSING', 'AWS_XRAY_TRACING_NAME',
  'AWS_XRAY_SDK_ENABLED', 'LAMBDA_TASK_ROOT', '_X_AMZN_TRACE_ID', 'AWS_XRAY_DEBUG_MODE']) {
  delete process.env[v];
}

const http = require('http');
const AWSXRay = require('aws-xray-sdk-core');

const POLL_FOR_MS = 10000;
const POLL_EVERY_MS = 200;
const HTTP_TIMEOUT_MS = 10000;
const SEGMENT_NAME = 'checkout-api-node';

class CheckFailed extends Error {}

function args() {
  const out = {};
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) {
    if (!['--http', '--udp'].includes(argv[i]) || argv[i + 1] === undefined) {
      throw new CheckFailed(`usage: xray_sdk_node.js --http URL --udp HOST:PORT (got ${argv.join(' ')})`);
    }
    out[argv[i].slice(2)] = argv[i + 1];
  }
  if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(out.http || '') || !/^127\.0\.0\.1:\d+$/.test(out.udp || '')) {
    throw new CheckFailed(`--http must be http://127.0.0.1:PORT and --udp 127.0.0.1:PORT, got ${out.http} ${out.udp}`);
  }
  return out;
}

// A GET with a bound time, through `client` (plain or captured `http`), body parsed as JSON.
function getJson(client, url, options = {}) {
  return new Promise((resolve, reject) => {
    const req = client.get(url, { timeout: HTTP_TIMEOUT_MS, ...options }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { body += c; });
      res.on('end', () => {
        if (res.statusCode !== 200) {
          reject(new CheckFailed(`GET ${url}: HTTP ${res.statusCode}: ${body.slice(0, 300)}`));
          return;
        }
        try {
          resolve(JSON.parse(body));
        } catch (e) {
          reject(new CheckFailed(`GET ${url}: not JSON: ${body.slice(0, 300)}`));
        }
      });
    });
    req.on('timeout', () => req.destroy(new CheckFailed(`GET ${url}: no answer in ${HTTP_TIMEOUT_MS} ms`)));
    req.on('error', reject);
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const { http: base, udp } = args();

  AWSXRay.enableManualMode();
  AWSXRay.setDaemonAddress(udp);
  AWSXRay.setContextMissingStrategy('LOG_ERROR');
  // Local rules that sample every request: no poller asks the daemon's TCP API for rules.
  AWSXRay.middleware.disableCentralizedSampling();
  AWSXRay.middleware.setSamplingRules({ version: 2, default: { fixed_target: 1, rate: 1.0 }, rules: [] });
  AWSXRay.middleware.setDefaultName(SEGMENT_NAME);
  const tracedHttp = AWSXRay.captureHTTPs(http, true);

  const before = await getJson(http, `${base}/_xray/documents`);
  const baseline = Math.max(-1, ...before.map((r) => (Number.isInteger(r.seq) ? r.seq : -1)));

  let segment;
  const app = http.createServer((req, res) => {
    segment = AWSXRay.middleware.traceRequestResponseCycle(req, res);
    segment.setUser('customer-1234');
    segment.addAnnotation('customer_tier', 'gold');
    segment.addAnnotation('cart_items', 3);
    segment.addAnnotation('express_shipping', true);
    segment.addMetadata('cart', { items: [{ sku: 'B-17', qty: 2 }], coupon: null, currency: 'EUR' }, 'checkout');

    const db = segment.addNewSubsegment('orders-db');
    db.namespace = 'remote';
    db.addSqlData({
      url: 'postgresql://orders-db.internal:5432/orders',
      database_type: 'PostgreSQL',
      database_version: '15.4',
      driver_version: 'pg 8.11.3',
      user: 'checkout',
      sanitized_query: 'INSERT INTO orders (customer_id, total) VALUES ($1, $2) RETURNING id',
    });
    db.addMetadata('rows', 1, 'sql');
    db.close();

    const payment = segment.addNewSubsegment('payment-gateway');
    payment.namespace = 'remote';
    payment.addAnnotation('attempt', 1);
    payment.close(new Error('payment gateway timed out after 2.0 s'), true);

    getJson(tracedHttp, `${base}/_xray/documents`, { XRaySegment: segment })
      .then(() => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('ok');
      })
      .catch((e) => {
        res.writeHead(502);
        res.end(String(e));
      });
  });
  await new Promise((r) => app.listen(0, '127.0.0.1', r));
  const appUrl = `http://127.0.0.1:${app.address().port}/api/checkout?cart=7f3a`;
  await new Promise((resolve, reject) => {
    http.get(appUrl, { headers: { 'user-agent': 'xray-conformance-ci (node)' } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200
        ? resolve()
        : reject(new CheckFailed(`the traced app answered HTTP ${res.statusCode}`))));
    }).on('error', reject);
  });
  app.close();
  if (!segment) throw new CheckFailed('the traced app made no segment');

  const deadline = Date.now() + POLL_FOR_MS;
  let recs = [];
  for (;;) {
    const all = await getJson(http, `${base}/_xray/documents`);
    recs = all.filter((r) => Number.isInteger(r.seq) && r.seq > baseline && r.id === segment.id);
    if (recs.length > 0 || Date.now() > deadline) break;
    await sleep(POLL_EVERY_MS);
  }
  const show = (r) => [`    record: seq=${r.seq} source=${r.source} verdict=${r.verdict} id=${r.id}`,
    ...(r.diagnostics || []).map((d) => `      ${d.severity} ${d.code} at ${d.pointer}: ${d.message}`)].join('\n');
  recs.forEach((r) => console.log(show(r)));
  const label = `the SDK's segment ${SEGMENT_NAME} (id ${segment.id}, trace ${segment.trace_id})`;
  if (recs.length !== 1) throw new CheckFailed(`${label}: ${recs.length} records after ${POLL_FOR_MS} ms, expected 1`);
  const [rec] = recs;
  if (rec.source !== 'udp') throw new CheckFailed(`${label}: recorded with source ${rec.source}, expected udp`);
  if (rec.verdict !== 'accepted') throw new CheckFailed(`${label}: verdict ${rec.verdict}, expected accepted`);
  if (rec.trace_id !== segment.trace_id) {
    throw new CheckFailed(`${label}: recorded trace_id ${rec.trace_id}`);
  }
  // What the SDK sent: its emitter writes the header line and segment.format().
  const sent = segment.format();
  if (rec.bytes !== Buffer.byteLength(sent)) {
    throw new CheckFailed(`${label}: recorded ${rec.bytes} bytes, the SDK sent ${Buffer.byteLength(sent)}`);
  }
  const names = (JSON.parse(sent).subsegments || []).map((s) => s.name).sort();
  const expected = ['127.0.0.1', 'orders-db', 'payment-gateway'];
  if (JSON.stringify(names) !== JSON.stringify(expected)) {
    throw new CheckFailed(`${label}: subsegments ${JSON.stringify(names)}, expected ${JSON.stringify(expected)}`);
  }
  console.log('xray sdk node: 1 document accepted');
}

main().then(
  () => process.exit(0),
  (e) => {
    console.log(`xray sdk node: FAIL: ${e instanceof CheckFailed ? e.message : e.stack}`);
    process.exit(1);
  },
);
