// The platform administrator's 机构与人员 page (organisations and their staff).
export default {
  orgs: {
    newOrg: 'يېڭى ئورگان قۇرۇش', kind: 'تۈرى', kindDepartment: 'مەسئۇل تارماق / ماتېرىيال قوبۇل قىلىش تارمىقى', kindCommittee: 'باھالاش كومىتېتى',
    name: 'نامى', parent: 'يۇقىرى دەرىجىلىك تارماق (يوللىنىدىغان ئورۇن)', parentNone: 'يوق (بىۋاسىتە باھالاش كومىتېتىغا يوللىنىدۇ)', person: 'ئالاقىلاشقۇچى',
    address: 'ئادرېس', create: 'قۇرۇش', tabDepartments: 'مەسئۇل تارماقلار', tabCommittees: 'باھالاش كومىتېتلىرى', empty: 'تېخى ئورگان يوق',
    parentCol: 'يۇقىرى دەرىجىسى', withRegion: '{name} ({region})', staff: 'خادىملار', addStaff: 'خادىم قوشۇش',
    rosterTitle: '«{name}» نىڭ خادىملىرى', noStaff: 'تېخى خادىم يوق', disabled: 'توختىتىلغان', active: 'نورمال',
    createdOn: 'قۇرۇلغان ۋاقتى {time}', enable: 'قوزغىتىش', disable: 'توختىتىش', mobile: 'قول تېلېفون نومۇرى', createdAt: 'قۇرۇلغان ۋاقتى',
    staffTitle: '«{name}» غا خادىم قوشۇش', initialPassword: 'دەسلەپكى پارول', add: 'قوشۇش',
    created: '«{name}» قۇرۇلدى', staffAdded: 'خادىم {username} قوشۇلدى',
    confirmDisable: 'توختىتىلغاندىن كېيىن «{name} ({username})» سىستېمىغا كىرەلمەيدۇ، ھازىر كىرىپ تۇرغان سۆھبەتلىرىمۇ دەرھال ئىناۋەتسىز بولىدۇ. توختىتامسىز؟',
    confirmEnable: '«{name} ({username})» نىڭ ھېساباتىنى قايتا قوزغىتامسىز؟', disableTitle: 'ھېساباتنى توختىتىش', enableTitle: 'ھېساباتنى قوزغىتىش',
    disabledDone: '{username} توختىتىلدى', enabledDone: '{username} قوزغىتىلدى',
  },
}
