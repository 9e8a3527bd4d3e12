// The official Node.js clients of VOD against a vodfc emulator, each running the same media-management
// flow: @alicloud/pop-core (RPC, GET and POST), the Tea core the generated @alicloud/vod20170321 client is
// made of (@alicloud/openapi-core, ACS3-HMAC-SHA256, as that client calls each action), and
// @alicloud/openapi-client's callApi (RPC style: v2 signature with GET and POST, ACS3-HMAC-SM3 with a form
// body, ACS3-HMAC-SHA256 with GET). tests/emulator/protocol/test_node_vod_clients.py runs it with one JSON
// argument ({url, adminToken, accessKeyId, accessKeySecret, clients: [name, ...]}) and checks the JSON
// report it prints: for each client, each step's action and parameters with what the client returned, or
// the error as the client shaped it. Before a client's flow the emulator is reset and its demo library
// seeded through the control API, so every client starts from the same records.
'use strict';

const PopCore = require('@alicloud/pop-core');
const OpenApiClient = require('@alicloud/openapi-client');
const OpenApiCore = require('@alicloud/openapi-core');
const { RuntimeOptions } = require('@alicloud/tea-util');
const { RuntimeOptions: DaraRuntimeOptions } = require('@darabonba/typescript');

const plan = JSON.parse(process.argv[2]);
const VERSION = '2017-03-21';
const WRONG_SECRET = 'not-the-secret';
const UNKNOWN_ID = '0123456789abcdef0123456789abcdef';
const host = plan.url.replace(/^http:\/\//, '');

// --- the clients: call(action, params, keys) -> {statusCode, body}; failure(error) -> the error's fields.
// keys: {accessKeyId, accessKeySecret, securityToken}, the plan's AccessKey pair by default.

function popCore(method) {
  return {
    async call(action, params, keys) {
      const client = new PopCore({
        ...keys,
        endpoint: plan.url,
        apiVersion: VERSION,
      }, true);
      // Verbose: the answer with the HTTP exchange, for its status code.
      const [body, entry] = await client.request(action, params, { method, timeout: 10000 });
      return { statusCode: entry.response.statusCode, body };
    },
    failure: (error) => ({
      name: error.name,
      code: error.code,
      message: error.message,
      data: error.data,
      statusCode: error.entry && error.entry.response.statusCode,
    }),
  };
}

// What @alicloud/vod20170321's generated methods hand to callApi: every parameter in the query, POST.
function teaParams(action, method, reqBodyType) {
  return {
    action,
    version: VERSION,
    protocol: 'HTTPS',
    pathname: '/',
    method,
    authType: 'AK',
    style: 'RPC',
    reqBodyType,
    bodyType: 'json',
  };
}

function teaFailure(error) {
  return {
    name: error.name,
    code: error.code,
    message: error.message,
    statusCode: error.statusCode,
    requestId: error.requestId,
    retryAfter: error.retryAfter,
    data: error.data,
  };
}

function tea() {
  return {
    async call(action, params, keys) {
      const client = new OpenApiCore.default(new OpenApiCore.$OpenApiUtil.Config({
        ...keys,
        regionId: 'cn-shanghai',
        endpoint: host,
        protocol: 'http',
      }));
      const answer = await client.callApi(
        new OpenApiCore.$OpenApiUtil.Params(teaParams(action, 'POST', 'formData')),
        new OpenApiCore.$OpenApiUtil.OpenApiRequest({ query: params }),
        new DaraRuntimeOptions({})
      );
      return { statusCode: answer.statusCode, body: answer.body };
    },
    failure: teaFailure,
  };
}

// openapi-client's callApi, RPC style: `where` says whether the parameters go in the query or a form body.
function openApi(signatureAlgorithm, method, where) {
  return {
    async call(action, params, keys) {
      const client = new OpenApiClient.default(new OpenApiClient.Config({
        ...keys,
        regionId: 'cn-shanghai',
        endpoint: host,
        protocol: 'http',
        signatureAlgorithm,
      }));
      const request = new OpenApiClient.OpenApiRequest(where === 'body' ? { body: params } : { query: params });
      const answer = await client.callApi(
        new OpenApiClient.Params(teaParams(action, method, 'formData')),
        request,
        new RuntimeOptions({})
      );
      return { statusCode: answer.statusCode, body: answer.body };
    },
    failure: teaFailure,
  };
}

const CLIENTS = {
  popGet: popCore('GET'),
  popPost: popCore('POST'),
  tea: tea(),
  openApiV2Get: openApi('v2', 'GET', 'query'),
  openApiV2Post: openApi('v2', 'POST', 'body'),
  openApiSm3Post: openApi('ACS3-HMAC-SM3', 'POST', 'body'),
  openApiSha256Get: openApi('ACS3-HMAC-SHA256', 'GET', 'query'),
};

// --- the control API: a fresh emulator with the demo library, for each client

async function control(path, body) {
  const headers = { Authorization: `Bearer ${plan.adminToken}` };
  if (body) headers['Content-Type'] = 'application/json';
  const response = await fetch(`${plan.url}/_vodfc/${path}`, {
    method: 'POST',
    headers,
    body: body && JSON.stringify(body),
  });
  if (response.status !== 200) throw new Error(`POST /_vodfc/${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

async function freshLibrary() {
  await control('reset');
  return (await control('seed')).seeded;
}

// --- the flow

async function flow(client) {
  const library = await freshLibrary();
  const [v0, v1, v2, v3, v4, v5] = library.video_ids;
  const [i0, , i2] = library.image_ids;
  const steps = [];
  const ownKeys = { accessKeyId: plan.accessKeyId, accessKeySecret: plan.accessKeySecret };
  // keys: 'wrong' (the right id with another secret) or 'sts' (a token the control API issues).
  async function step(name, action, params, keys) {
    const record = { name, action, params };
    let used = ownKeys;
    if (keys === 'wrong') used = { ...ownKeys, accessKeySecret: WRONG_SECRET };
    if (keys === 'sts') {
      const token = await control('sts');
      used = {
        accessKeyId: token.AccessKeyId,
        accessKeySecret: token.AccessKeySecret,
        securityToken: token.SecurityToken,
      };
    }
    if (keys) record.keys = keys;
    try {
      record.answer = await client.call(action, params, used);
    } catch (error) {
      record.error = client.failure(error);
    }
    steps.push(record);
    return record.answer ? record.answer.body : undefined;
  }

  await step('createUploadVideo', 'CreateUploadVideo', {
    Title: 'Upload from Node — 节点上传',
    FileName: 'clip.mp4',
    Tags: 'node,upload',
  });
  const title = 'It\'s a "Node" 视频 — «title» & more';
  await step('updateVideoInfo', 'UpdateVideoInfo', {
    VideoId: v0,
    Title: title,
    Tags: 'node client,标签,a b',
    // What form and query encodings treat specially: + (a space in a form), %, =, &, ~ * ' ( ) !
    Description: 'a+b=c & 100% ~ *(!)* / ?#[]@ ;,$',
  });
  await step('getVideoInfo', 'GetVideoInfo', { VideoId: v0 });
  // A single quote inside a quoted value is doubled; the double quotes, spaces and CJK stay as they are.
  await step('searchMedia', 'SearchMedia', {
    SearchType: 'video',
    Match: 'Title = \'It\'\'s a "Node" 视频\' and Tags = \'标签\'',
    Fields: 'Title,Tags,Status',
  });
  await step('getVideoInfos', 'GetVideoInfos', { VideoIds: `${v1},${UNKNOWN_ID}` });
  await step('updateVideoInfos', 'UpdateVideoInfos', {
    UpdateContent: JSON.stringify([
      { VideoId: v1, Title: 'Ünïcödé batch — 批量', Tags: 'x,y,z' },
      { VideoId: UNKNOWN_ID, Title: 'nobody' },
    ]),
  });
  await step('getUpdatedVideoInfos', 'GetVideoInfos', { VideoIds: v1 });
  await step('getMezzanineInfo', 'GetMezzanineInfo', { VideoId: v0, AdditionType: 'video,audio' });
  const played = await step('getPlayInfo', 'GetPlayInfo', { VideoId: v2 });
  const jobIds = played ? played.PlayInfoList.PlayInfo.slice(0, 2).map((info) => info.JobId) : [];
  await step('deleteStream', 'DeleteStream', { VideoId: v2, JobIds: jobIds.join(',') });
  await step('getPlayInfoAfterDeleteStream', 'GetPlayInfo', { VideoId: v2 });
  await step('deleteMezzanines', 'DeleteMezzanines', { VideoIds: `${v3},${v5},${UNKNOWN_ID}` });
  await step('getDeletedMezzanine', 'GetMezzanineInfo', { VideoId: v3 });
  await step('updateImageInfos', 'UpdateImageInfos', {
    UpdateContent: JSON.stringify([
      { ImageId: i0, Title: 'Couverture — 封面', Tags: 'cover,封面,première' },
      { ImageId: UNKNOWN_ID, Title: 'nobody' },
    ]),
  });
  await step('getImageInfo', 'GetImageInfo', { ImageId: i0 });
  await step('deleteImage', 'DeleteImage', { DeleteImageType: 'ImageId', ImageIds: i2 });
  await step('getDeletedImage', 'GetImageInfo', { ImageId: i2 });
  await step('deleteVideo', 'DeleteVideo', { VideoIds: `${v4},${UNKNOWN_ID}` });
  await step('getDeletedVideo', 'GetVideoInfo', { VideoId: v4 });
  // Errors.
  await step('stsToken', 'GetVideoInfo', { VideoId: v0 }, 'sts');
  await step('wrongSecret', 'GetVideoInfo', { VideoId: v0 }, 'wrong');
  await step('unknownVideo', 'GetVideoInfo', { VideoId: UNKNOWN_ID });
  await step('badParameter', 'GetPlayInfo', { VideoId: v1, Formats: 'avi' });
  await step('missingParameter', 'GetVideoInfo', {});
  const many = Array.from({ length: 21 }, (_, n) => `${UNKNOWN_ID.slice(0, 30)}${String(n).padStart(2, '0')}`);
  await step('tooManyIds', 'GetVideoInfos', { VideoIds: many.join(',') });
  await step('badMatch', 'SearchMedia', { SearchType: 'video', Match: 'Title = \'unterminated' });
  // VOD's flow control, once, through a fault rule: Tea names it ThrottlingError.
  await control('faults', { kind: 'throttle', action: 'GetVideoInfo', times: 1 });
  await step('throttled', 'GetVideoInfo', { VideoId: v0 });
  // A server-side failure, once: Tea names a 5xx ServerError.
  await control('faults', { kind: 'error', code: 'ServiceUnAvailable', action: 'GetVideoInfo', times: 1 });
  await step('unavailable', 'GetVideoInfo', { VideoId: v0 });
  return steps;
}

async function main() {
  const report = {};
  for (const name of plan.clients) {
    const client = CLIENTS[name];
    if (!client) throw new Error(`no client named ${name}: ${Object.keys(CLIENTS).join(', ')}`);
    report[name] = await flow(client);
  }
  process.stdout.write(JSON.stringify(report));
}

main().catch((error) => {
  process.stderr.write(`${error.stack || error}\n`);
  process.exit(1);
});
