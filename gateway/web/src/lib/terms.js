// 注册须知: the version of the notice this build shows (its text: i18n/*/terms.js).
// A registration sends it; the accounts service refuses any other version
// (services/accounts/terms.py — a unit test keeps the two equal).
export const TERMS_VERSION = '2026-12'
