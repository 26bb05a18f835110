// The platform administrator's pages (impersonation, audit log).
export default {
  admin: {
    impersonateTip: '模拟用户用于协助用户排查问题：以该用户身份查看和操作，页面顶部始终显示红色提示条，所有操作记入审计日志并注明由您发起。',
    impersonateUser: '要模拟的用户名', impersonateGo: '开始模拟',
  },
  audit: {
    event: '事件', user: '用户', impersonator: '模拟发起人', address: '地址', detail: '详情',
    kinds: {
      login_success: '登录成功', login_failure: '登录失败', login_throttled: '登录受限（尝试过多）', logout: '退出登录',
      reauth_failure: '重新验证失败', region_switched: '切换地区', password_changed: '修改密码', password_reset: '重置密码',
      profile_updated: '修改联系方式', recovery_code_sent: '发送找回验证码', recovery_code_failed: '找回验证码错误',
      username_recovered: '找回用户名', applicant_registered: '个人注册', unit_registered: '单位注册', unit_updated: '完善单位信息',
      organization_created: '新增机构', staff_created: '新增工作人员', staff_disabled: '停用工作人员', expert_created: '专家入库',
      impersonation_started: '开始模拟用户', appeal_submitted: '提交账号申诉', appeal_decided: '处理账号申诉',
    },
    fields: {
      f_username: '用户名', f_role: '角色', f_region_code: '地区', f_reason: '原因', f_channel: '渠道', f_by: '操作人', f_target: '对象',
      f_approved: '通过', f_org_id: '机构', f_name: '名称', f_kind: '类型', f_fields: '字段',
    },
  },
}
