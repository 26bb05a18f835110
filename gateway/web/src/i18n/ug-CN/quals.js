// The platform administrator's 资格目录 page (the qualifications one may apply for).
// The hints' examples stay Chinese: the catalogue's names are entered as the official ones.
export default {
  quals: {
    add: 'سالاھىيەت قوشۇش', series: 'سىستېما', seriesHint: 'مەسىلەن: 工程系列', specialty: 'كەسىپ', specialtyHint: 'مەسىلەن: 机械电子',
    level: 'دەرىجە', title: 'سالاھىيەت نامى', titleHint: 'مەسىلەن: 高级工程师', committee: 'باھالاش كومىتېتى', pickCommittee: 'باھالاش كومىتېتىنى تاللاڭ',
    create: 'قوشۇش', empty: 'بۇ رايوندا تېخى سالاھىيەت يوق', conditions: 'ۋەزىپە ئۆتەش سالاھىيەت شەرتلىرى', editConditions: 'شەرتنى ئۆزگەرتىش', writeConditions: 'شەرت تولدۇرۇش',
    listSep: '، ', conditionsOf: 'ۋەزىپە ئۆتەش سالاھىيەت شەرتلىرى: {title}', kindsOf: 'ئىلتىماس قىلغىلى بولىدىغان تۈرلەر: {title}', added: 'سالاھىيەت قوشۇلدى',
  },
}
