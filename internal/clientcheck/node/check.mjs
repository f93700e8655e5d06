// Runs Commerce Layer's own clients (js-auth, the SDK, the CLI with its
// token plugin) against an auth server reached as https://auth.DOMAIN, as
// a storefront developer would. The Go harness starts it with
// loopback.cjs preloaded, the CA to trust in NODE_EXTRA_CA_CERTS, and the
// configuration in AUTHCONFORM_CHECK_* variables (secrets included, never
// in argv). It writes one JSON line per call, {"call", "ok", "detail"},
// and never a token or a secret: details are facts about them.
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

import * as auth from '@commercelayer/js-auth'
// The bundled client, which the SDK's README recommends by default.
import { CommerceLayer } from '@commercelayer/sdk/bundle'

const env = (name) => {
  const v = process.env[`AUTHCONFORM_CHECK_${name}`]
  if (!v) throw new Error(`AUTHCONFORM_CHECK_${name} is not set`)
  return v
}
const cfg = {
  domain: env('DOMAIN'), // DOMAIN:PORT, as js-auth's domain option takes it
  issuer: env('ISSUER'), // https://auth.DOMAIN:PORT
  coreAPI: env('CORE_API'), // https://SLUG.DOMAIN:PORT
  market: env('MARKET_ID'),
  salesChannel: { clientId: env('SALES_CHANNEL_ID'), clientSecret: env('SALES_CHANNEL_SECRET') },
  integration: { clientId: env('INTEGRATION_ID'), clientSecret: env('INTEGRATION_SECRET') },
  webapp: { clientId: env('WEBAPP_ID'), clientSecret: env('WEBAPP_SECRET') },
  redirectUri: env('REDIRECT_URI'),
  customerId: env('CUSTOMER_ID'),
  cli: process.env.AUTHCONFORM_CHECK_CLI !== '0',
}
const secrets = [cfg.salesChannel.clientSecret, cfg.integration.clientSecret, cfg.webapp.clientSecret]

// clean keeps tokens and secrets out of a detail, whatever a library put
// in an error message.
function clean(text) {
  let s = String(text).replace(/eyJ[\w-]*\.[\w-]*\.[\w-]*/g, '[token]')
  for (const secret of secrets) s = s.split(secret).join('[secret]')
  return s.length > 300 ? `${s.slice(0, 300)}…` : s
}

let failed = 0
async function call(name, fn) {
  try {
    const detail = await fn()
    process.stdout.write(`${JSON.stringify({ call: name, ok: true, detail: clean(detail) })}\n`)
  } catch (err) {
    failed++
    const detail = err && err.message ? `${err.name}: ${err.message}${err.cause ? ` (${err.cause.message || err.cause})` : ''}` : String(err)
    process.stdout.write(`${JSON.stringify({ call: name, ok: false, detail: clean(detail) })}\n`)
  }
}

function expect(cond, what) {
  if (!cond) throw new Error(what)
}

// resource asks the protected resource, at the Core API's host the token
// leads to, with token.
async function resource(token) {
  const res = await fetch(`${cfg.coreAPI}/api/ping`, { headers: { Authorization: `Bearer ${token}` } })
  const body = await res.json().catch(() => null)
  return { status: res.status, code: body?.errors?.[0]?.code }
}

// tampered is token with its payload changed and its signature kept.
function tampered(token) {
  const [h, p, s] = token.split('.')
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'))
  claims.scope = 'market:all tampered'
  return [h, Buffer.from(JSON.stringify(claims)).toString('base64url'), s].join('.')
}

const tokens = {}

// The guard first: a name and an address off loopback (RFC 2606's
// .invalid, RFC 5737's TEST-NET-1) must be refused before any connection,
// or nothing below proves the calls stayed on loopback. The harness knows
// these two refusals and counts every other one as a client leaving.
await call('loopback guard: other hosts refused', async () => {
  const refused = async (url) => {
    const outcome = await fetch(url).then(() => 'reached', (err) => String(err.cause?.message || err.message))
    expect(outcome.includes('authconform-loopback'), `${url}: ${outcome}; want the guard's refusal`)
  }
  await refused('https://canary.authconform.invalid/')
  await refused('https://192.0.2.1/')
  return 'a name and an address off loopback were refused before connecting'
})

await call('js-auth authenticate: sales channel, market:id scope', async () => {
  const r = await auth.authenticate('client_credentials', { clientId: cfg.salesChannel.clientId, scope: `market:id:${cfg.market}`, domain: cfg.domain })
  expect(r.errors == null, `errors: ${JSON.stringify(r.errors)}`)
  expect(typeof r.accessToken === 'string' && r.tokenType === 'bearer', `tokenType ${r.tokenType}`)
  expect(r.scope === `market:id:${cfg.market}`, `scope ${r.scope}`)
  expect(r.expires instanceof Date && r.expires > new Date(), 'expires not in the future')
  tokens.salesChannel = r.accessToken
  return `bearer token, scope ${r.scope}, expiresIn ${r.expiresIn}`
})

await call('js-auth authenticate: integration with its secret', async () => {
  const r = await auth.authenticate('client_credentials', { ...cfg.integration, domain: cfg.domain })
  expect(r.errors == null, `errors: ${JSON.stringify(r.errors)}`)
  tokens.integration = r.accessToken
  return `bearer token, scope ${r.scope}, expiresIn ${r.expiresIn}`
})

await call('js-auth authenticate: wrong client (errors array)', async () => {
  const r = await auth.authenticate('client_credentials', { clientId: 'no-such-client', domain: cfg.domain })
  expect(Array.isArray(r.errors) && r.errors.length > 0, `no errors array: ${JSON.stringify(Object.keys(r))}`)
  expect(r.accessToken == null, 'an access token came with the errors')
  const e = r.errors[0]
  return `errors[0]: title ${e.title}, code ${e.code}, status ${e.status}`
})

await call('js-auth jwtDecode', async () => {
  const { header, payload } = auth.jwtDecode(tokens.salesChannel)
  expect(payload.iss === cfg.issuer, `iss ${payload.iss}; want ${cfg.issuer}`)
  return `${header.alg} kid ${String(header.kid).slice(0, 8)}…, iss ${payload.iss}, kind ${payload.application.kind}, market ${payload.market?.id}`
})

await call('js-auth jwtVerify', async () => {
  const { payload } = await auth.jwtVerify(tokens.salesChannel)
  return `verified with the key from ${cfg.issuer}/.well-known/jwks.json (kind ${payload.application.kind})`
})

await call('js-auth jwtVerify: tampered token refused', async () => {
  const outcome = await auth.jwtVerify(tampered(tokens.salesChannel)).then(
    () => 'accepted',
    (err) => `${err.name}: ${err.message}`
  )
  expect(outcome !== 'accepted', 'a token with changed claims verified')
  expect(outcome.startsWith('InvalidTokenError'), `refused for another reason: ${outcome}`)
  return `refused: ${outcome}`
})

await call('js-auth jwtIsSalesChannel / jwtIsIntegration', async () => {
  const sc = auth.jwtDecode(tokens.salesChannel).payload
  const int = auth.jwtDecode(tokens.integration).payload
  expect(auth.jwtIsSalesChannel(sc) && !auth.jwtIsIntegration(sc), 'the sales channel token is not a sales channel one')
  expect(auth.jwtIsIntegration(int) && !auth.jwtIsSalesChannel(int), 'the integration token is not an integration one')
  return 'sales channel token: sales channel; integration token: integration'
})

await call('js-auth getCoreApiBaseEndpoint', async () => {
  const base = auth.getCoreApiBaseEndpoint(tokens.salesChannel)
  expect(base === cfg.coreAPI, `${base}; want ${cfg.coreAPI}`)
  return base
})

await call('js-auth revoke: integration token', async () => {
  const before = await resource(tokens.integration)
  expect(before.status === 200, `resource before the revocation: ${before.status}`)
  const r = await auth.revoke({ ...cfg.integration, token: tokens.integration })
  expect(JSON.stringify(r) === '{}', `answer ${JSON.stringify(r)}; want {}`)
  const after = await resource(tokens.integration)
  expect(after.status === 401, `resource after the revocation: ${after.status}; want 401`)
  return `{}; the resource answered 200 before, ${after.status} ${after.code} after`
})

await call("js-auth revoke: guest token with the sales channel's secret", async () => {
  const r = await auth.revoke({ ...cfg.salesChannel, token: tokens.salesChannel })
  expect(JSON.stringify(r) === '{}', `answer ${JSON.stringify(r)}; want {}`)
  const after = await resource(tokens.salesChannel)
  expect(after.status === 401, `resource after the revocation: ${after.status}; want 401`)
  return `{}; the resource then answered ${after.status} ${after.code}`
})

await call('js-auth makeIntegration: revokeAuthorization', async () => {
  const store = new Map()
  const storage = {
    getItem: async (k) => store.get(k) ?? null,
    setItem: async (k, v) => void store.set(k, v),
    removeItem: async (k) => void store.delete(k),
  }
  const integration = auth.makeIntegration({ ...cfg.integration, domain: cfg.domain }, { storage })
  const { accessToken } = await integration.getAuthorization()
  const r = await integration.revokeAuthorization()
  expect(JSON.stringify(r) === '{}', `answer ${JSON.stringify(r)}; want {}`)
  const after = await resource(accessToken)
  expect(after.status === 401, `resource after the revocation: ${after.status}; want 401`)
  return `{}; the resource then answered ${after.status}`
})

await call("SDK: base URL from the token", async () => {
  const r = await auth.authenticate('client_credentials', { clientId: cfg.salesChannel.clientId, scope: `market:id:${cfg.market}`, domain: cfg.domain })
  const cl = CommerceLayer({ accessToken: r.accessToken })
  let url
  cl.addRequestInterceptor((req) => {
    url = String(req.url)
    return req
  })
  // serve has no Core API beyond its resource: the request reaches it
  // (the name resolves, the certificate verifies) and gets a 404.
  const outcome = await cl.markets.list().then(
    () => 'listed',
    (err) => `${err.name} ${err.status ?? err.code ?? ''}`.trim()
  )
  const want = `${cfg.coreAPI}/api/markets`
  expect(url && url.split('?')[0] === want, `request to ${url}; want ${want}`)
  expect(/404/.test(outcome), `outcome ${outcome}; want serve's 404`)
  return `base URL ${cfg.coreAPI}/api (markets.list went to ${url}, answered ${outcome})`
})

// The grants that act for someone. None of these calls reads iss, so they
// pass whatever the issuer; codes, refresh tokens and assertions are
// never put in a detail.
const jwtBearer = 'urn:ietf:params:oauth:grant-type:jwt-bearer'

// authorizeCode asks serve's authorize endpoint (which approves at once)
// for a code, reading the redirect without following it.
async function authorizeCode() {
  const state = `st-${Math.random().toString(36).slice(2)}`
  const q = new URLSearchParams({ response_type: 'code', client_id: cfg.webapp.clientId, redirect_uri: cfg.redirectUri, scope: 'market:all', state })
  const res = await fetch(`${cfg.issuer}/oauth/authorize?${q}`, { redirect: 'manual' })
  const loc = new URL(res.headers.get('location') ?? 'about:blank')
  expect(res.status >= 300 && res.status < 400, `authorize: status ${res.status}; want a redirect`)
  expect(`${loc.origin}${loc.pathname}` === cfg.redirectUri, `authorize: redirect to ${loc.origin}${loc.pathname}; want ${cfg.redirectUri}`)
  expect(loc.searchParams.get('state') === state, 'authorize: the state came back changed or not at all')
  const code = loc.searchParams.get('code')
  expect(code, 'authorize: no code in the redirect')
  return code
}

await call('js-auth authenticate: authorization_code (webapp)', async () => {
  const code = await authorizeCode()
  const options = { ...cfg.webapp, code, redirectUri: cfg.redirectUri, scope: 'market:all', domain: cfg.domain }
  const r = await auth.authenticate('authorization_code', options)
  expect(r.errors == null, `errors: ${JSON.stringify(r.errors)}`)
  expect(r.ownerType === 'user' && typeof r.ownerId === 'string' && r.ownerId !== '', `ownerType ${r.ownerType}, ownerId ${typeof r.ownerId}`)
  expect(typeof r.refreshToken === 'string' && r.refreshToken !== '', 'no refreshToken')
  const { payload } = auth.jwtDecode(r.accessToken)
  expect(auth.jwtIsWebApp(payload) && payload.owner?.type === 'User' && payload.owner.id === r.ownerId, `kind ${payload.application?.kind}, owner ${JSON.stringify(payload.owner)}`)
  const ok = await resource(r.accessToken)
  expect(ok.status === 200, `resource with the token: ${ok.status}`)
  const again = await auth.authenticate('authorization_code', options)
  expect(Array.isArray(again.errors) && again.accessToken == null, 'the code was exchanged twice')
  return `ownerType user, a refresh token, a webapp token owned by its User, the resource answered ${ok.status}; the code again: ${again.errors[0].title}`
})

const customClaim = { greeting: 'Grüße, 世界 ✓', nested: { list: [1, 'two', null], ratio: 2.5 } }

await call('js-auth createAssertion + JWT bearer (customer)', async () => {
  const assertion = await auth.createAssertion({ payload: { 'https://commercelayer.io/claims': { owner: { type: 'Customer', id: cfg.customerId }, custom_claim: customClaim } } })
  const r = await auth.authenticate(jwtBearer, { ...cfg.salesChannel, assertion, domain: cfg.domain })
  expect(r.errors == null, `errors: ${JSON.stringify(r.errors)}`)
  expect(r.ownerType === 'customer' && r.ownerId === cfg.customerId, `ownerType ${r.ownerType}, ownerId the customer: ${r.ownerId === cfg.customerId}`)
  expect(typeof r.refreshToken === 'string' && r.refreshToken !== '', 'no refreshToken')
  const { payload } = auth.jwtDecode(r.accessToken)
  expect(payload.owner?.type === 'Customer' && payload.owner.id === cfg.customerId, `owner ${JSON.stringify(payload.owner)}`)
  expect(JSON.stringify(payload.custom_claim) === JSON.stringify(customClaim), `custom_claim ${JSON.stringify(payload.custom_claim)}; want ${JSON.stringify(customClaim)}`)
  const ok = await resource(r.accessToken)
  expect(ok.status === 200, `resource with the token: ${ok.status}`)
  return `ownerType customer, a refresh token, the JWT's owner and custom_claim as sent (${payload.custom_claim.greeting}), the resource answered ${ok.status}`
})

await call('js-auth JWT bearer: empty claims (errors array)', async () => {
  const assertion = await auth.createAssertion({ payload: { 'https://commercelayer.io/claims': {} } })
  const r = await auth.authenticate(jwtBearer, { ...cfg.salesChannel, assertion, domain: cfg.domain })
  expect(Array.isArray(r.errors) && r.errors.length > 0 && r.accessToken == null, `no errors array: ${JSON.stringify(Object.keys(r))}`)
  const e = r.errors[0]
  expect(e.title === 'invalid_assertion', `errors[0].title ${e.title}; want invalid_assertion`)
  return `errors[0]: title ${e.title}, code ${e.code}, status ${e.status}`
})

// The CLI, with the token plugin registered as an installed one, in a
// home and configuration of its own.
function cliRunner() {
  const home = mkdtempSync(join(tmpdir(), 'authconform-cli-'))
  const data = join(home, 'data')
  mkdirSync(join(data, 'node_modules', '@commercelayer'), { recursive: true })
  const here = fileURLToPath(new URL('.', import.meta.url))
  symlinkSync(join(here, 'node_modules', '@commercelayer', 'cli-plugin-token'), join(data, 'node_modules', '@commercelayer', 'cli-plugin-token'), 'dir')
  writeFileSync(join(data, 'package.json'), JSON.stringify({
    private: true,
    oclif: { schema: 1, plugins: [{ type: 'user', name: '@commercelayer/cli-plugin-token' }] },
    dependencies: { '@commercelayer/cli-plugin-token': '8.1.4' },
  }))
  const bin = join(here, 'node_modules', '@commercelayer', 'cli', 'bin', 'run.js')
  const run = (args) => {
    const r = spawnSync(process.execPath, [bin, ...args], {
      encoding: 'utf8',
      timeout: 60_000,
      maxBuffer: 1 << 20,
      env: {
        ...process.env,
        HOME: home,
        XDG_CONFIG_HOME: join(home, 'config'),
        XDG_DATA_HOME: join(home, 'xdg-data'),
        XDG_CACHE_HOME: join(home, 'cache'),
        COMMERCELAYER_DATA_DIR: data,
        COMMERCELAYER_CONFIG_DIR: join(home, 'config'),
        COMMERCELAYER_CACHE_DIR: join(home, 'cache'),
        NO_UPDATE_NOTIFIER: '1',
        FORCE_COLOR: '0',
        NO_COLOR: '1',
      },
    })
    if (r.error) throw r.error
    // The loopback guard's refusals go to the harness, which counts them.
    for (const line of String(r.stderr).split('\n')) {
      if (line.startsWith('authconform-loopback:')) process.stderr.write(`${line}\n`)
    }
    return r
  }
  return { run, close: () => rmSync(home, { recursive: true, force: true }) }
}

if (cfg.cli) {
  const cli = cliRunner()
  try {
    let token
    await call('CLI token:get (integration)', async () => {
      const r = cli.run(['token:get', '-i', cfg.integration.clientId, '-s', cfg.integration.clientSecret, '-d', cfg.domain])
      token = (String(r.stdout).match(/eyJ[\w-]*\.[\w-]*\.[\w-]*/) || [])[0]
      expect(r.status === 0, `exit ${r.status}: ${r.stderr.trim().split('\n').pop()}`)
      expect(token, 'no token in its output')
      const kind = auth.jwtDecode(token).payload.application.kind
      expect(kind === 'integration', `token of kind ${kind}`)
      const ok = await resource(token)
      expect(ok.status === 200, `resource with the token: ${ok.status}`)
      return `exit 0, an integration token the resource accepts`
    })
    await call('CLI token:revoke (integration)', async () => {
      expect(token, 'no token from token:get')
      const r = cli.run(['token:revoke', token, '-i', cfg.integration.clientId, '-s', cfg.integration.clientSecret, '-d', cfg.domain])
      expect(r.status === 0, `exit ${r.status}: ${r.stderr.trim().split('\n').pop()}`)
      expect(/successfully revoked/.test(r.stdout), 'no "successfully revoked" in its output')
      const after = await resource(token)
      expect(after.status === 401, `resource after the revocation: ${after.status}; want 401`)
      return `exit 0, "successfully revoked"; the resource then answered ${after.status}`
    })
    let guest
    await call('CLI token:get (sales channel, -S market:id:…)', async () => {
      const r = cli.run(['token:get', '-i', cfg.salesChannel.clientId, '-S', `market:id:${cfg.market}`, '-d', cfg.domain])
      guest = (String(r.stdout).match(/eyJ[\w-]*\.[\w-]*\.[\w-]*/) || [])[0]
      expect(r.status === 0, `exit ${r.status}: ${r.stderr.trim().split('\n').pop()}`)
      expect(guest, 'no token in its output')
      const { payload } = auth.jwtDecode(guest)
      expect(payload.application.kind === 'sales_channel' && payload.scope === `market:id:${cfg.market}`, `token of kind ${payload.application.kind}, scope ${payload.scope}`)
      return `exit 0, a guest token for market:id:${cfg.market}`
    })
    await call("CLI token:revoke (guest token, the sales channel's secret)", async () => {
      expect(guest, 'no token from token:get')
      const r = cli.run(['token:revoke', guest, '-i', cfg.salesChannel.clientId, '-s', cfg.salesChannel.clientSecret, '-d', cfg.domain])
      expect(r.status === 0, `exit ${r.status}: ${r.stderr.trim().split('\n').pop()}`)
      const after = await resource(guest)
      expect(after.status === 401, `resource after the revocation: ${after.status}; want 401`)
      return `exit 0; the resource then answered ${after.status}`
    })
  } finally {
    cli.close()
  }
}

process.stdout.write(`${JSON.stringify({ done: true, failed })}\n`)
process.exitCode = failed === 0 ? 0 : 1
