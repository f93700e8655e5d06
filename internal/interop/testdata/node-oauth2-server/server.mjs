// The wiring `make interop` runs to serve the token endpoint of
// @node-oauth/oauth2-server (npm) for authconform's interop run, on Node's
// own http module. The harness (internal/interop) copies this file, with
// package.json and package-lock.json, into its cache and installs the
// locked packages there with `npm ci`.
//
//   node server.mjs 127.0.0.1:PORT
//
// The two clients, their scopes and the token lifetime come from the
// environment (INTEROP_*), never the command line. The library is
// framework-agnostic: it decides every status, header and body member
// (OAuth2Server#token fills a Response, or rejects with an OAuthError whose
// code, name and message it also writes into that Response); this file
// only carries them to and from HTTP:
//   - the body is read (64 KiB at most) and, when the library's
//     Request#is says it is application/x-www-form-urlencoded, parsed with
//     Node's querystring, the parser of Express's urlencoded({extended:
//     false}) (a repeated parameter becomes an array);
//   - the answer is the Response's status, headers and body as JSON; an
//     error the library threw before filling the Response (a method other
//     than POST, another content type) is written the same way from the
//     error's code, name and message;
//   - the model: clients in memory, each allowed client_credentials and
//     INTEROP_SCOPES; validateScope grants a requested scope only when
//     every scope in it is the client's, and a request without scope the
//     client's scopes (RFC 6749 §3.3's "pre-defined default value").
// The library has no per-client authentication method: it reads HTTP
// Basic when the request has an Authorization header, else the body.
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import querystring from 'node:querystring';

const require = createRequire(import.meta.url);
const OAuth2Server = require('@node-oauth/oauth2-server');
const { Request, Response } = OAuth2Server;

const tokenPath = '/oauth/token';
const maxBody = 64 << 10;

function settings() {
  const clients = new Map();
  for (const who of ['POST', 'BASIC']) {
    const id = process.env[`INTEROP_${who}_CLIENT_ID`];
    const secret = process.env[`INTEROP_${who}_CLIENT_SECRET`];
    if (!id || !secret) throw new Error(`INTEROP_${who}_CLIENT_ID and INTEROP_${who}_CLIENT_SECRET must be set`);
    clients.set(id, secret);
  }
  const scopes = (process.env.INTEROP_SCOPES || '').split(/\s+/).filter(Boolean);
  const lifetime = Number(process.env.INTEROP_TOKEN_LIFETIME);
  if (!Number.isInteger(lifetime) || lifetime <= 0) throw new Error('INTEROP_TOKEN_LIFETIME must be a positive number of seconds');
  return { clients, scopes, lifetime };
}

function model({ clients, scopes }) {
  const tokens = new Map();
  return {
    async getClient(id, secret) {
      if (!clients.has(id) || clients.get(id) !== secret) return null;
      return { id, grants: ['client_credentials'], scopes };
    },
    async getUserFromClient(client) {
      return { client: client.id };
    },
    async validateScope(user, client, requested) {
      if (requested === undefined) return client.scopes;
      return requested.every((s) => client.scopes.includes(s)) ? requested : false;
    },
    async saveToken(token, client, user) {
      const saved = { ...token, client, user };
      tokens.set(token.accessToken, saved);
      return saved;
    },
    async getAccessToken(accessToken) {
      return tokens.get(accessToken) || null;
    },
  };
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > maxBody) {
        reject(Object.assign(new Error('body over 64 KiB'), { status: 413 }));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function write(res, status, headers, body) {
  res.writeHead(status, { ...headers, 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

async function serveToken(oauth, req, res) {
  const url = new URL(req.url, 'http://127.0.0.1');
  const request = new Request({ headers: req.headers, method: req.method, query: querystring.parse(url.search.slice(1)) });
  const raw = await readBody(req);
  if (request.is('application/x-www-form-urlencoded')) request.body = querystring.parse(raw);
  const response = new Response();
  try {
    await oauth.token(request, response);
    write(res, response.status, response.headers, response.body);
  } catch (err) {
    const status = Number.isInteger(err.code) ? err.code : 500;
    write(res, status, response.headers, { error: err.name, error_description: err.message });
  }
}

function main() {
  const addr = process.argv[2] || '';
  const [host, port] = addr.split(':');
  if (host !== '127.0.0.1' || !/^\d+$/.test(port || '')) {
    console.error('usage: node server.mjs 127.0.0.1:PORT (clients in INTEROP_* variables)');
    process.exit(2);
  }
  const s = settings();
  const oauth = new OAuth2Server({ model: model(s), accessTokenLifetime: s.lifetime });
  const server = createServer((req, res) => {
    if (new URL(req.url, 'http://127.0.0.1').pathname !== tokenPath) {
      write(res, 404, {}, { error: 'not_found' });
      return;
    }
    serveToken(oauth, req, res).catch((err) => {
      console.error('wiring:', err.message);
      if (!res.headersSent) write(res, err.status || 500, {}, { error: 'server_error' });
    });
  });
  server.requestTimeout = 10000;
  server.listen(Number(port), host, () => console.log(`@node-oauth/oauth2-server token endpoint on http://${addr}${tokenPath}`));
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => server.close(() => process.exit(0)));
}

main();
