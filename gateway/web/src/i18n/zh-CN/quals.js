// The platform administrator's 资格目录 page (the qualifications one may apply for).
export default {
  quals: {
    add: '新增资格', series: '系列', seriesHint: '如：工程系列', specialty: '专业', specialtyHint: '如：机械电子',
    level: '级别', title: '资格名称', titleHint: '如：高级工程师', committee: '评审委员会', pickCommittee: '请选择评审委员会',
    create: '新增', empty: '该地区暂无资格', conditions: '任职资格条件', editConditions: '修改条件', writeConditions: '填写条件',
    listSep: '、', conditionsOf: '任职资格条件：{title}', kindsOf: '可申报类型：{title}', added: '已新增资格',
  },
}
