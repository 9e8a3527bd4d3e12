// The generic Tea client of Node.js, @alicloud/openapi-client, calling VOD's actions on a vodfc emulator
// with callApi, signed ACS3-HMAC-SM3 and ACS3-HMAC-SHA256. tests/emulator/protocol/test_node_signatures.py
// runs it with one JSON argument ({url, accessKeyId, accessKeySecret, videoId, title}) and checks the JSON
// report it prints: for each call, the parts of VOD's answer the test reads, or the error as the client
// shaped it.
'use strict';

const OpenApi = require('@alicloud/openapi-client');
const { RuntimeOptions } = require('@alicloud/tea-util');

const plan = JSON.parse(process.argv[2]);

function client(signatureAlgorithm, secret) {
  return new OpenApi.default(new OpenApi.Config({
    accessKeyId: plan.accessKeyId,
    accessKeySecret: secret || plan.accessKeySecret,
    endpoint: plan.url.replace(/^http:\/\//, ''),
    protocol: 'http',
    signatureAlgorithm,
  }));
}

// An RPC-style VOD action, its parameters in the query, as the generated VOD clients call it.
function call(api, action, query) {
  const params = new OpenApi.Params({
    action,
    version: '2017-03-21',
    protocol: 'HTTP',
    pathname: '/',
    method: 'POST',
    authType: 'AK',
    style: 'RPC',
    reqBodyType: 'formData',
    bodyType: 'json',
  });
  return api.callApi(params, new OpenApi.OpenApiRequest({ query }), new RuntimeOptions({}));
}

async function attempt(run) {
  try {
    return await run();
  } catch (error) {
    return { error: { code: error.code, message: error.message, statusCode: error.statusCode } };
  }
}

async function report(signatureAlgorithm) {
  const api = client(signatureAlgorithm);
  return {
    getVideoInfo: await attempt(async () => {
      const answer = await call(api, 'GetVideoInfo', { VideoId: plan.videoId });
      return { statusCode: answer.statusCode, video: answer.body.Video, requestId: answer.body.RequestId };
    }),
    searchMedia: await attempt(async () => {
      const answer = await call(api, 'SearchMedia', { SearchType: 'video', Match: `Title = '${plan.title}'` });
      return {
        total: answer.body.Total,
        ids: answer.body.MediaList.map((media) => media.MediaId),
      };
    }),
    wrongSecret: await attempt(() =>
      call(client(signatureAlgorithm, 'not-the-secret'), 'GetVideoInfo', { VideoId: plan.videoId })
    ),
  };
}

async function main() {
  const out = {};
  for (const algorithm of ['ACS3-HMAC-SM3', 'ACS3-HMAC-SHA256']) {
    out[algorithm] = await report(algorithm);
  }
  process.stdout.write(JSON.stringify(out));
}

main().catch((error) => {
  process.stderr.write(`${error.stack || error}\n`);
  process.exit(1);
});
