// Uyghur names of the server's own vocabulary, keyed by its stable keys: application
// kinds (kinds.json keys), statuses and their variants (services/applications/
// vocabulary.py keys) and the route's node places. Only read on Uyghur pages (lib/vocab.js);
// Chinese pages show the server's own names, so zh-CN/vocab.js has none, and a key the
// server adds later shows its Chinese name until it is translated here.
export default {
  vocab: {
    kind: {
      review: 'باھالاش', initial: 'دەسلەپكى بېكىتىش', special_talent: 'ئالاھىدە ئىختىساسلىقلارنى بېكىتىش', conferral: 'بېرىش',
      fanghuiju: '«زىيارەت، مەنپەئەت، ئۇيۇشتۇرۇش» ئۈچ يىللىق يۇقىرى بېكىتىش',
    },
    status: {
      draft: 'ئىلتىماس قىلغۇچى', submitted: 'يوللاندى', returned: 'قايتۇرۇلدى', formal_review_passed: 'شەكلىي تەكشۈرۈشتىن ئۆتتى',
      ready_for_meeting: 'ھەق تاپشۇرۇلدى، يىغىن باھالىشىنى كۈتمەكتە', passed: 'باھالاشتىن ئۆتتى', failed: 'باھالاشتىن ئۆتمىدى', approved: 'تەستىقلاندى',
    },
    // The names a status takes for some kinds (vocabulary.BY_KIND: names_by).
    statusBy: {
      confirm: { ready_for_meeting: 'باھالاش كومىتېتىنىڭ بېكىتىشىنى كۈتمەكتە', passed: 'بېكىتىلدى', failed: 'بېكىتىلمىدى' },
      no_fee: { ready_for_meeting: 'يىغىن باھالىشىنى كۈتمەكتە' },
    },
    // submitted, named after the node holding it (vocabulary.SUBMITTED_AT: names_at_node).
    submittedAt: {
      unit: 'ئىلتىماس قىلغۇچى ئاساسىي قاتلام خىزمەت ئورنىغا يوللىدى', county_department: 'ناھىيە (شەھەر) دەرىجىلىك ماتېرىيال قوبۇل قىلىش تارمىقىغا يوللاندى',
      prefecture_department: 'ۋىلايەت-ئوبلاستلىق مەسئۇل ئىدارىگە يوللاندى', receiving_department: 'ۋىلايەت-نازارەت دەرىجىلىك ماتېرىيال قوبۇل قىلىش تارمىقىغا يوللاندى',
      department: 'ماتېرىيال قوبۇل قىلىش تارمىقىغا يوللاندى', committee: 'باھالاش كومىتېتىغا يوللاندى',
    },
    // The route's nodes by place (vocabulary.NODE_LABELS: node_labels, route[].label).
    place: {
      applicant: 'ئىلتىماس قىلغۇچى', unit: 'ئاساسىي قاتلام خىزمەت ئورنى', county_department: 'ناھىيە (شەھەر) دەرىجىلىك ماتېرىيال قوبۇل قىلىش تارمىقى',
      prefecture_department: 'ۋىلايەت-ئوبلاستلىق مەسئۇل ئىدارە', receiving_department: 'ۋىلايەت-نازارەت دەرىجىلىك ماتېرىيال قوبۇل قىلىش تارمىقى',
      department: 'ماتېرىيال قوبۇل قىلىش تارمىقى', committee: 'باھالاش ئاپپاراتى', passed: 'شەكلىي تەكشۈرۈشتىن ئۆتۈش',
    },
  },
}
