// The one way pages talk to the gateway (/api/v1). Errors come back as ApiError
// carrying the server's code, message, field and missing. Every request says the user's
// language (Accept-Language), so the server's message comes in it; the page also knows
// the stable codes (err.<code> in the catalog, filled from error.params) and uses its own
// wording when it has one, falling back to the server's message.
import { ElMessage } from 'element-plus'
import { session, clearSession } from './session.js'
import { i18n, locale, t } from '../i18n/index.js'

export const BASE = '/api/v1'

export class ApiError extends Error {
  constructor(status, error) {
    super(errorText(error) || t('api.requestFailed', { status }))
    this.status = status
    this.code = error?.code
    this.field = error?.field
    this.missing = error?.missing
    this.error = error
  }
}

let onUnauthorized = () => {}
export function setUnauthorizedHandler(fn) { onUnauthorized = fn }
let onPasswordChangeRequired = () => {}
export function setPasswordChangeHandler(fn) { onPasswordChangeRequired = fn }

/** The text of an API error in the user's language: the catalog's by code, else the server's. */
export function errorText(error) {
  if (!error?.code) return error?.message
  const reason = error.params?.reason
  for (const key of [reason && `err.${error.code}_${reason}`, `err.${error.code}`]) {
    if (key && i18n.global.te(key, locale.value)) {
      return t(key, { field: error.field ?? '', ...(error.params || {}) })
    }
  }
  return error.message
}

function headers(extra = {}) {
  const h = { 'Accept-Language': locale.value, ...extra }
  if (session.token) h.Authorization = `Bearer ${session.token}`
  return h
}

function url(path, query) {
  let u = BASE + path
  if (query) {
    const q = new URLSearchParams()
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') q.append(k, v)
    const s = q.toString()
    if (s) u += (u.includes('?') ? '&' : '?') + s
  }
  return u
}

async function fail(res, quiet) {
  let body = null
  try { body = await res.json() } catch { /* not JSON: keep the status text */ }
  const err = new ApiError(res.status, body?.error || { message: res.status === 413 ? t('api.tooLarge') : t('api.failedText', { status: res.status, text: res.statusText }) })
  if (res.status === 401 && session.token) {
    clearSession()
    onUnauthorized()
  }
  if (res.status === 403 && err.code === 'password_change_required') onPasswordChangeRequired()
  if (!quiet) ElMessage.error({ message: err.message, grouping: true })
  throw err
}

/** JSON request. opts: {json, query, form (FormData), quiet, blob, headers} */
export async function api(method, path, opts = {}) {
  const init = { method, headers: headers(opts.headers) }
  if (opts.json !== undefined) {
    init.headers['Content-Type'] = 'application/json'
    init.body = JSON.stringify(opts.json)
  } else if (opts.form) {
    init.body = opts.form
  }
  let res
  try {
    res = await fetch(url(path, opts.query), init)
  } catch (e) {
    const err = new ApiError(0, { message: t('api.offline') })
    if (!opts.quiet) ElMessage.error(err.message)
    throw err
  }
  if (!res.ok) return fail(res, opts.quiet)
  if (opts.blob) return res.blob()
  if (res.status === 204) return null
  const type = res.headers.get('Content-Type') || ''
  return type.includes('json') ? res.json() : res.text()
}

// -- decisions: one Idempotency-Key per user action ------------------------------------
// A decision (submit, withdraw, change of qualification, forward, return) carries a key
// made when the user presses the button. When its answer is lost — no connection, or the
// gateway's 502/503/504 — the key is kept, so pressing the button again retries the same
// action and the server answers the first result instead of acting twice (or refusing
// with 409). Any definite answer (success or a refusal) ends the action: the next press
// is a new one with a new key. The same action means the same path and body: a request
// changed before it is sent again (another qualification, another opinion) is a new one.
const pendingKeys = new Map()
const ANSWER_LOST = new Set([0, 502, 503, 504])

/** A fresh key: 32 hex digits (crypto.getRandomValues works on plain http too). */
export function newIdempotencyKey() {
  const bytes = new Uint8Array(16)
  crypto.getRandomValues(bytes)
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}

/** POST a decision; its key is kept until a definite answer arrives. */
export async function decide(path, json = {}, opts = {}) {
  const action = `${path} ${JSON.stringify(json)}`
  const key = pendingKeys.get(action) || newIdempotencyKey()
  pendingKeys.set(action, key)
  try {
    const result = await api('POST', path, { ...opts, json, headers: { 'Idempotency-Key': key } })
    pendingKeys.delete(action)
    return result
  } catch (e) {
    if (!ANSWER_LOST.has(e?.status)) pendingKeys.delete(action)
    throw e
  }
}

export const get = (p, query, o = {}) => api('GET', p, { ...o, query })
export const post = (p, json, o = {}) => api('POST', p, { ...o, json })
export const put = (p, json, o = {}) => api('PUT', p, { ...o, json })
export const del = (p, o = {}) => api('DELETE', p, o)

/** Multipart upload with progress (fetch has none): resolves with the JSON reply. */
export function upload(path, form, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', BASE + path)
    if (session.token) xhr.setRequestHeader('Authorization', `Bearer ${session.token}`)
    xhr.setRequestHeader('Accept-Language', locale.value)
    xhr.upload.onprogress = (e) => { if (e.lengthComputable && onProgress) onProgress(Math.round((e.loaded / e.total) * 100)) }
    xhr.onload = () => {
      let body = null
      try { body = JSON.parse(xhr.responseText) } catch { /* empty or HTML */ }
      if (xhr.status >= 200 && xhr.status < 300) return resolve(body)
      const err = new ApiError(xhr.status, body?.error || { message: xhr.status === 413 ? t('api.uploadTooLarge') : t('api.uploadFailed', { status: xhr.status }) })
      if (xhr.status === 401) { clearSession(); onUnauthorized() }
      reject(err)
    }
    xhr.onerror = () => reject(new ApiError(0, { message: t('api.uploadOffline') }))
    xhr.send(form)
  })
}

/** Fetch a protected file and hand back an object URL (for preview or download). */
export async function fileUrl(path) {
  const blob = await api('GET', path, { blob: true })
  return { url: URL.createObjectURL(blob), type: blob.type, size: blob.size }
}

export async function download(path, filename) {
  const { url: u } = await fileUrl(path)
  const a = document.createElement('a')
  a.href = u
  a.download = filename
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(u), 10000)
}
