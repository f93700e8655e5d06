// Preloaded (node --require) into every Node process the client check
// starts, before Commerce Layer's packages load: the process may reach
// loopback only. The names in AUTHCONFORM_LOOPBACK_NAMES (comma-separated)
// resolve to 127.0.0.1, as a hosts entry would make them; every other name
// fails to resolve, and a connection to an address that is not loopback is
// refused before a byte is sent. Each refusal is written to stderr on a
// line starting "authconform-loopback: refused", which the harness counts.
'use strict'

const dns = require('node:dns')
const net = require('node:net')

const names = new Set(
  (process.env.AUTHCONFORM_LOOPBACK_NAMES || '')
    .split(',')
    .map((n) => n.trim().toLowerCase())
    .filter((n) => n !== '')
)

function refused(what) {
  process.stderr.write(`authconform-loopback: refused ${what}\n`)
  const err = new Error(`authconform-loopback: ${what} is not on loopback`)
  err.code = 'ENOTFOUND'
  return err
}

function isLoopback(address) {
  const a = String(address).replace(/^\[|\]$/g, '').toLowerCase()
  return /^127\./.test(a) || a === '::1' || a === '::ffff:127.0.0.1' || /^::ffff:127\./.test(a)
}

function answer(host) {
  const h = String(host).toLowerCase().replace(/\.$/, '')
  if (h === 'localhost' || names.has(h)) return '127.0.0.1'
  if (net.isIP(h) && isLoopback(h)) return h
  return null
}

function lookup(host, options, callback) {
  if (typeof options === 'function') {
    callback = options
    options = {}
  }
  if (typeof options === 'number') options = { family: options }
  const address = answer(host)
  const family = net.isIPv6(address || '') ? 6 : 4
  process.nextTick(() => {
    if (address === null) return callback(refused(`name ${host}`))
    if (options && options.all) return callback(null, [{ address, family }])
    callback(null, address, family)
  })
}

dns.lookup = lookup
dns.promises.lookup = (host, options) =>
  new Promise((resolve, reject) =>
    lookup(host, options || {}, (err, address, family) => {
      if (err) return reject(err)
      resolve(Array.isArray(address) ? address : { address, family })
    })
  )

// Addresses written as IPs skip the lookup: check them where every TCP
// connection starts. A path (a Unix socket) is local.
const connect = net.Socket.prototype.connect
net.Socket.prototype.connect = function (...args) {
  let opts = args[0]
  if (Array.isArray(opts)) opts = opts[0]
  if (typeof opts === 'number' || typeof opts === 'string') opts = { port: opts, host: args[1] }
  if (opts && typeof opts === 'object' && !opts.path) {
    const host = opts.host || 'localhost'
    if (net.isIP(String(host).replace(/^\[|\]$/g, '')) && !isLoopback(host)) {
      const err = refused(`address ${host}`)
      process.nextTick(() => this.destroy(err))
      return this
    }
    if (!net.isIP(host) && answer(host) === null) {
      const err = refused(`name ${host}`)
      process.nextTick(() => this.destroy(err))
      return this
    }
  }
  return connect.apply(this, args)
}
