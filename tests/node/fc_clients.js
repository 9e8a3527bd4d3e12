// The official Node.js FC clients against a vodfc emulator: @alicloud/fc2 (FC 2.0) and
// @alicloud/fc20230330 (FC 3.0). tests/emulator/fc/test_node_clients.py runs it with one JSON argument
// ({url, accountId, region, accessKeyId, accessKeySecret, service}) and checks the JSON report it prints:
// for each call, what the client returned, or the error as the client shaped it.
'use strict';

const { Readable } = require('stream');
const FC2 = require('@alicloud/fc2');
const FC3 = require('@alicloud/fc20230330');
const { $OpenApiUtil } = require('@alicloud/openapi-core');
const { RuntimeOptions } = require('@darabonba/typescript');

const plan = JSON.parse(process.argv[2]);

function failure(error) {
  // Both clients' error fields: fc2 names its error FC<ErrorCode>Error; Tea's carries code and requestId.
  return {
    error: {
      name: error.name,
      code: error.code,
      message: error.message,
      statusCode: error.statusCode,
      requestId: error.requestId,
      data: error.data,
    },
  };
}

async function attempt(call) {
  try {
    return await call();
  } catch (error) {
    return failure(error);
  }
}

async function readAll(stream) {
  const chunks = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

function fc2Client(secret) {
  return new FC2(plan.accountId, {
    accessKeyID: plan.accessKeyId,
    accessKeySecret: secret || plan.accessKeySecret,
    region: plan.region,
    endpoint: plan.url,
  });
}

function fc3Client(secret) {
  const config = new $OpenApiUtil.Config({
    accessKeyId: plan.accessKeyId,
    accessKeySecret: secret || plan.accessKeySecret,
    regionId: plan.region,
    endpoint: plan.url.replace(/^http:\/\//, ''),
    protocol: 'http',
  });
  return new FC3.default(config);
}

async function fc2Report() {
  const client = fc2Client();
  const service = plan.service;
  return {
    invoke: await attempt(async () => {
      const answer = await client.invokeFunction(service, 'Probe', '{"x": 1}');
      return { data: JSON.parse(answer.data), requestId: answer.headers['x-fc-request-id'] };
    }),
    functionError: await attempt(async () => {
      const answer = await client.invokeFunction(service, 'Probe', '{"raise": "bad input"}');
      return { errorType: answer.headers['x-fc-error-type'], data: answer.data };
    }),
    getFunction: await attempt(async () => {
      const answer = await client.getFunction(service, 'Probe');
      return { functionName: answer.data.functionName, runtime: answer.data.runtime };
    }),
    listFunctions: await attempt(async () => {
      const answer = await client.listFunctions(service, { limit: 2 });
      return { names: answer.data.functions.map((f) => f.functionName), nextToken: answer.data.nextToken };
    }),
    notFound: await attempt(() => client.getFunction(service, 'Nope')),
    badSignature: await attempt(() => fc2Client('wrong-secret').invokeFunction(service, 'Probe', '{}')),
  };
}

async function fc3Report() {
  const client = fc3Client();
  const invoke = (name, body, headers) =>
    client.invokeFunctionWithOptions(
      name,
      new FC3.InvokeFunctionRequest({ body: Readable.from([Buffer.from(body)]) }),
      new FC3.InvokeFunctionHeaders(headers || {}),
      new RuntimeOptions({})
    );
  return {
    listFunctions: await attempt(async () => {
      const answer = await client.listFunctions(new FC3.ListFunctionsRequest({ limit: 3 }));
      return { names: answer.body.functions.map((f) => f.functionName), nextToken: answer.body.nextToken };
    }),
    getFunction: await attempt(async () => {
      const answer = await client.getFunction('Probe', new FC3.GetFunctionRequest({}));
      return { functionName: answer.body.functionName, runtime: answer.body.runtime };
    }),
    invoke: await attempt(async () => {
      const answer = await invoke('Probe', '{"x": 1}', { xFcLogType: 'Tail' });
      return {
        statusCode: answer.statusCode,
        data: JSON.parse(await readAll(answer.body)),
        requestId: answer.headers['x-fc-request-id'],
        log: Buffer.from(answer.headers['x-fc-log-result'] || '', 'base64').toString('utf8'),
      };
    }),
    functionError: await attempt(async () => {
      const answer = await invoke('Probe', '{"raise": "bad input"}');
      return {
        statusCode: answer.statusCode,
        errorType: answer.headers['x-fc-error-type'],
        data: JSON.parse(await readAll(answer.body)),
      };
    }),
    async: await attempt(async () => {
      const answer = await invoke('Probe', '{}', { xFcInvocationType: 'Async' });
      return { statusCode: answer.statusCode, requestId: answer.headers['x-fc-request-id'] };
    }),
    listTriggers: await attempt(async () => {
      const answer = await client.listTriggers('ProbeOpen', new FC3.ListTriggersRequest({}));
      return answer.body.triggers.map((t) => ({
        name: t.triggerName,
        type: t.triggerType,
        config: JSON.parse(t.triggerConfig),
        url: t.httpTrigger && t.httpTrigger.urlInternet,
      }));
    }),
    notFound: await attempt(() => client.getFunction('Nope', new FC3.GetFunctionRequest({}))),
    triggerNotFound: await attempt(() => client.getTrigger('Probe', 'nope')),
    badSignature: await attempt(() => fc3Client('wrong-secret').getFunction('Probe', new FC3.GetFunctionRequest({}))),
  };
}

(async () => {
  const report = { fc2: await fc2Report(), fc3: await fc3Report() };
  process.stdout.write(JSON.stringify(report));
})().catch((error) => {
  process.stderr.write(`${error.stack || error}\n`);
  process.exit(1);
});
