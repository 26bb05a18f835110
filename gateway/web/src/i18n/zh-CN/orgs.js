// The platform administrator's 机构与人员 page (organisations and their staff).
export default {
  orgs: {
    newOrg: '新建机构', kind: '类型', kindDepartment: '主管部门 / 材料接收部门', kindCommittee: '评审委员会',
    name: '名称', parent: '上级部门（报送至）', parentNone: '无（直接报送评审委员会）', person: '联系人',
    address: '地址', create: '创建', tabDepartments: '主管部门', tabCommittees: '评审委员会', empty: '暂无机构',
    parentCol: '上级', withRegion: '{name}（{region}）', staff: '人员', addStaff: '添加人员',
    rosterTitle: '“{name}”的工作人员', noStaff: '尚无工作人员', disabled: '已停用', active: '正常',
    createdOn: '创建于 {time}', enable: '启用', disable: '停用', mobile: '手机号', createdAt: '创建时间',
    staffTitle: '为“{name}”添加工作人员', initialPassword: '初始密码', add: '添加',
    created: '已创建“{name}”', staffAdded: '已添加工作人员 {username}',
    confirmDisable: '停用后“{name}（{username}）”将无法登录，已登录的会话立即失效。确定停用？',
    confirmEnable: '确定重新启用“{name}（{username}）”的账号？', disableTitle: '停用账号', enableTitle: '启用账号',
    disabledDone: '已停用 {username}', enabledDone: '已启用 {username}',
  },
}
