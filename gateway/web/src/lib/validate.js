// Client-side checks mirroring the server's (GB 11643 ID numbers, GB 32100 credit
// codes), so a mistake shows while typing; the server checks again.

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
const ID_CHECK = '10X98765432'

/** '' when valid, else the Chinese reason. */
export function idNumberProblem(raw) {
  const v = (raw || '').trim().toUpperCase()
  if (!v) return '请输入身份证号'
  if (!/^\d{17}[\dX]$/.test(v)) return '身份证号应为18位，最后一位可为数字或X'
  if (!/^[1-8]\d{5}$/.test(v.slice(0, 6))) return '身份证号的地区码不正确'
  const y = +v.slice(6, 10), m = +v.slice(10, 12), d = +v.slice(12, 14)
  const date = new Date(Date.UTC(y, m - 1, d))
  if (y < 1900 || date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d || date > new Date()) {
    return '身份证号中的出生日期不正确'
  }
  const sum = ID_WEIGHTS.reduce((s, w, i) => s + w * +v[i], 0)
  if (ID_CHECK[sum % 11] !== v[17]) return '身份证号校验位不正确，请核对'
  return ''
}

const CC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY'
const CC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

export function creditCodeProblem(raw) {
  const v = (raw || '').trim().toUpperCase()
  if (!v) return '请输入统一社会信用代码'
  if (v.length !== 18) return '统一社会信用代码应为18位'
  for (const c of v) if (!CC_CHARS.includes(c)) return `统一社会信用代码含非法字符“${c}”`
  const sum = CC_WEIGHTS.reduce((s, w, i) => s + w * CC_CHARS.indexOf(v[i]), 0)
  const check = CC_CHARS[(31 - (sum % 31)) % 31]
  if (check !== v[17]) return '统一社会信用代码校验位不正确，请核对'
  return ''
}

export function phoneProblem(raw) {
  const v = (raw || '').trim()
  if (!v) return '请输入联系电话'
  if (!/^(1\d{10}|0\d{2,3}-?\d{7,8})$/.test(v)) return '请输入11位手机号或带区号的固定电话'
  return ''
}

export function passwordProblem(raw) {
  const v = raw || ''
  if (v.length < 8) return '密码至少8位'
  if (!/[A-Za-z]/.test(v) || !/\d/.test(v)) return '密码须同时包含字母和数字'
  return ''
}

/** An Element Plus form rule from a problem function. */
export const rule = (fn, trigger = ['change', 'blur']) => ({
  trigger,
  validator: (_r, value, cb) => { const p = fn(value); p ? cb(new Error(p)) : cb() },
})

/** One template field's problem with a value ('' = fine). */
export function fieldProblem(f, value) {
  const empty = value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0)
  if (empty) return f.required ? `请填写${f.label}` : ''
  switch (f.type) {
    case 'text':
      if (f.max_length && String(value).length > f.max_length) return `${f.label}不能超过${f.max_length}字`
      return ''
    case 'integer':
      if (!Number.isInteger(Number(value))) return `${f.label}应为整数`
      if (f.min !== undefined && f.min !== null && value < f.min) return `${f.label}不能小于${f.min}`
      if (f.max !== undefined && f.max !== null && value > f.max) return `${f.label}不能大于${f.max}`
      return ''
    case 'date':
      return /^\d{4}-\d{2}-\d{2}$/.test(value) ? '' : `${f.label}应为 YYYY-MM-DD 格式的日期`
    case 'choice':
      return !f.options || f.options.includes(value) ? '' : `请从选项中选择${f.label}`
    case 'table': {
      for (const [i, row] of value.entries()) {
        for (const c of f.columns || []) {
          const p = fieldProblem(c, row?.[c.key])
          if (p) return `第${i + 1}行：${p}`
        }
      }
      return ''
    }
    default:
      return ''
  }
}
