// Uyghur names of the server's own vocabulary, keyed by its stable keys: application
// kinds (kinds.json keys) and their descriptions, statuses and their variants
// (services/applications/vocabulary.py keys), the route's node places, and the
// application form of every year's template (services/applications/templates/*.json:
// section titles and attachment hints by section key, field labels by section and field
// key, table columns by section, field and column key, choice options by the Chinese
// option itself, which stays the value stored), and the qualification catalog's names
// (series, specialty, level, title: by the Chinese name, which stays the catalog's; the
// starter catalog reference/catalog.csv and the levels and titles of eligibility_rules). Only read on Uyghur pages (lib/vocab.js);
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
    // kinds.json: each kind's description, by its key.
    kindDescription: {
      review: 'كەسپىي تېخنىكا سالاھىيىتىنى باھالاش: باھالاش كومىتېتى يىغىندا بېلەت تاشلاپ قارار قىلىدۇ (يىغىنغا قاتناشقان مۇتەخەسسىسلەرنىڭ ئۈچتىن ئىككى قىسمىدىن كۆپرەكى قوشۇلۇشى كېرەك).',
      initial: 'ئالىي مەكتەپ پۈتتۈرگۈچىلەرنىڭ كەسپىي تېخنىكا سالاھىيىتى ئوقۇش تارىخى ۋە كەسپىي تېخنىكا خىزمىتى بىلەن شۇغۇللانغان يىل سانىغا ئاساسەن دەسلەپكى قېتىم بېكىتىلىدۇ (مەسىلەن، تولۇق كۇرس پۈتتۈرگەنلەرگە 1 يىل توشقاندا ياردەمچى دەرىجە، ماگىستىرلارغا 3 يىل توشقاندا ۋە دوكتورلارغا ئوتتۇرا دەرىجە بېكىتىلىدۇ)، باھالاش كومىتېتى بېكىتىدۇ.',
      special_talent: 'خىزمەت نەتىجىسى گەۋدىلىك ئالاھىدە ئىختىساسلىقلار ئوقۇش تارىخى، خىزمەت ئۆتەلى قاتارلىق ئادەتتىكى شەرتلەرنىڭ چەكلىمىسىگە ئۇچرىمايدۇ، باھالاش كومىتېتى يىغىندا بېلەت تاشلاپ قارار قىلىدۇ.',
      conferral: 'مۇناسىپ سالاھىيەتكە ئېرىشكەنلەرگە (مەسىلەن، مەملىكەتلىك كەسپىي تېخنىكا سالاھىيىتى ئىمتىھانىدىن ئۆتكەنلەر، شىنجاڭغا ياردەمگە كەلگەن خادىملارنىڭ ئەسلىدىكى جايىدا ئېرىشكەن كەسپىي ئۇنۋانى) دەلىللەنگەندىن كېيىن بېرىلىدۇ، باھالاش كومىتېتى بېكىتىدۇ.',
      fanghuiju: '«زىيارەت، مەنپەئەت، ئۇيۇشتۇرۇش» كەنتتە تۇرۇشلۇق خىزمەت ئەترىتىدە ئۈزلۈكسىز ئۈچ يىل ئىشلىگەن، ھەر يىللىق تەكشۈرۈپ باھالاشتا لاياقەتلىك ياكى ئۇنىڭدىن يۇقىرى باھالانغانلارغا بىر دەرىجە يۇقىرى بېكىتىلىدۇ، باھالاش كومىتېتى بېكىتىدۇ.',
    },
    // The application form: sections by key (templates/*.json "sections").
    section: {
      basic_info: 'ئاساسىي ئۇچۇر', education: 'ئوقۇش تارىخى ۋە ئىلمىي ئۇنۋان', work_history: 'خىزمەت كەچۈرمىشى',
      professional_work: 'كەسپىي تېخنىكا خىزمىتى كەچۈرمىشى', achievements: 'خىزمەت نەتىجىلىرى', publications: 'ماقالە ۋە ئەسەرلەر',
      continuing_education: 'داۋاملىق مائارىپ', rewards_penalties: 'مۇكاپاتلىنىش ۋە جازالىنىش ئەھۋالى', representative_works: 'ۋەكىللىك ئەسەرلەر',
      awards: 'مۇكاپاتقا ئېرىشىش ئەھۋالى', recommendation_letters: 'مۇتەخەسسىسلەرنىڭ تەۋسىيە پىكرى',
      graduate_work: 'ئوقۇش پۈتتۈرگەندىن كېيىنكى كەسپىي تېخنىكا خىزمىتى ئەھۋالى', credential: 'ئېرىشكەن سالاھىيەت ۋە ئۇنى دەلىللەش',
      fanghuiju_service: '«زىيارەت، مەنپەئەت، ئۇيۇشتۇرۇش» بويىچە كەنتتە تۇرۇپ ئىشلەش ئەھۋالى',
    },
    // What each section's attachments are (a section's "attachments_hint").
    hint: {
      basic_info: 'كىملىكنىڭ ئالدى-كەينى يۈزىنىڭ سكانېرلانغان نۇسخىسى', education: 'ئوقۇش تارىخى ۋە ئىلمىي ئۇنۋان گۇۋاھنامىلىرىنىڭ سكانېرلانغان نۇسخىسى',
      achievements: 'خىزمەت نەتىجىسىنى ئىسپاتلايدىغان ماتېرىياللار', publications: 'ماقالە ۋە ئەسەرلەرنىڭ بىرىنچى بېتى ۋە مۇندەرىجىسىنىڭ سكانېرلانغان نۇسخىسى',
      representative_works: 'ۋەكىللىك ئەسەرنىڭ تولۇق تېكىستىنىڭ سكانېرلانغان نۇسخىسى', awards: 'مۇكاپات گۇۋاھنامىسىنىڭ سكانېرلانغان نۇسخىسى',
      recommendation_letters: 'ئىككى نەپەر كەسىپداش مۇتەخەسسىس ئىمزا قويغان تەۋسىيەنامىنىڭ سكانېرلانغان نۇسخىسى',
      graduate_work: 'ئورۇن بەرگەن خىزمەت يىل سانى ئىسپاتىنىڭ سكانېرلانغان نۇسخىسى',
      credential: 'سالاھىيەت گۇۋاھنامىسى (ياكى ئىمتىھاندىن ئۆتكەنلىك ئىسپاتى، ئەسلىدىكى كەسپىي ئۇنۋان ھۆججىتى) نىڭ سكانېرلانغان نۇسخىسى',
      fanghuiju_service: 'ئەۋەتىش ھۆججىتى ۋە ھەر يىللىق تەكشۈرۈپ باھالاش تىزىملاش جەدۋىلىنىڭ سكانېرلانغان نۇسخىسى',
    },
    // Field labels, by section key then field key.
    field: {
      basic_info: {
        name: 'ئىسىم-فامىلە', gender: 'جىنسى', birth_date: 'تۇغۇلغان چېسلا', ethnicity: 'مىللىتى', political_status: 'سىياسىي قىياپىتى',
        phone: 'ئالاقە تېلېفونى', current_title: 'ھازىرقى كەسپىي تېخنىكا ۋەزىپىسى', current_title_obtained_on: 'ھازىرقى ۋەزىپىگە ئېرىشكەن ۋاقىت',
        years_in_profession: 'كەسپىي تېخنىكا خىزمىتى بىلەن شۇغۇللانغان يىل سانى', is_grassroots: 'ئاساسىي قاتلام بىرىنچى سەپتىكى كەسپىي تېخنىكا خادىمىمۇ',
      },
      education: { degrees: 'ئوقۇش تارىخى ۋە ئىلمىي ئۇنۋان' },
      work_history: { jobs: 'خىزمەت كەچۈرمىشى' },
      professional_work: { summary: 'ھازىرقى ۋەزىپىگە تەيىنلەنگەندىن بۇيانقى كەسپىي تېخنىكا خىزمىتى خۇلاسىسى', projects: 'ئاساسلىق كەسپىي تېخنىكا خىزمەتلىرى' },
      achievements: { items: 'خىزمەت نەتىجىلىرى' },
      publications: { items: 'ماقالە ۋە ئەسەرلەر' },
      continuing_education: { hours_total: 'ھازىرقى ۋەزىپىگە تەيىنلەنگەندىن بۇيانقى داۋاملىق مائارىپ ئومۇمىي سائىتى', records: 'داۋاملىق مائارىپ خاتىرىسى' },
      rewards_penalties: {
        rewards: 'مۇكاپاتلىنىش ئەھۋالى', has_penalty: 'ھازىرقى ۋەزىپىگە تەيىنلەنگەندىن بۇيان جازا ئالغانمۇ', penalty_note: 'جازا ئەھۋالىنىڭ چۈشەندۈرۈلۈشى',
      },
      representative_works: { works: 'ۋەكىللىك ئەسەرلەر' },
      awards: { items: 'مۇكاپاتقا ئېرىشىش ئەھۋالى' },
      recommendation_letters: { experts: 'تەۋسىيە قىلغۇچى مۇتەخەسسىسلەر' },
      graduate_work: {
        graduated_on: 'پۈتتۈرگەن ۋاقىت', work_started_on: 'كەسپىي تېخنىكا خىزمىتى بىلەن شۇغۇللىنىشقا باشلىغان ۋاقىت',
        years_since_graduation: 'ئوقۇش پۈتتۈرگەندىن كېيىن كەسپىي تېخنىكا خىزمىتى بىلەن شۇغۇللانغان يىل سانى',
        post: 'ھازىر ئىشلەۋاتقان كەسپىي تېخنىكا ئورنى', summary: 'خىزمەت ئەھۋالىنىڭ قىسقىچە بايانى',
      },
      credential: {
        credential_type: 'سالاھىيەت مەنبەسى', credential_name: 'سالاھىيەت نامى', certificate_no: 'گۇۋاھنامە نومۇرى',
        issued_by: 'گۇۋاھنامە بەرگەن ئورگان', issued_on: 'ئېرىشكەن ۋاقىت', verification: 'دەلىللەش ئۇسۇلى (سۈرۈشتۈرۈش تور ئادرېسى ياكى دەلىللىگۈچى ئورۇن)',
      },
      fanghuiju_service: {
        team: 'كەنتتە تۇرۇشلۇق خىزمەت ئەترىتى', village: 'تۇرۇشلۇق كەنت', started_on: 'كەنتتە تۇرۇشنى باشلىغان ۋاقىت',
        ended_on: 'كەنتتە تۇرۇش ئاخىرلاشقان ۋاقىت', service_years: 'كەنتتە تۇرۇپ ئىشلىگەن يىل سانى', appraisals: 'يىللىق تەكشۈرۈپ باھالاش',
      },
    },
    // A table's column labels, by section key, the table field's key, then column key.
    column: {
      education: {
        degrees: {
          school: 'پۈتتۈرگەن مەكتەپ', major: 'ئوقۇغان كەسپى', education: 'ئوقۇش تارىخى', degree: 'ئىلمىي ئۇنۋان',
          enrolled_on: 'مەكتەپكە كىرگەن ۋاقىت', graduated_on: 'پۈتتۈرگەن ۋاقىت', full_time: 'كۈندۈزلۈك ئوقۇشمۇ',
        },
      },
      work_history: { jobs: { organization: 'خىزمەت ئورنى', position: 'ۋەزىپىسى', started_on: 'باشلانغان ۋاقىت', ended_on: 'ئاخىرلاشقان ۋاقىت' } },
      professional_work: {
        projects: { name: 'تۈر (خىزمەت) نامى', role: 'ئۆزى ئۈستىگە ئالغان خىزمەت', started_on: 'باشلانغان ۋاقىت', ended_on: 'ئاخىرلاشقان ۋاقىت' },
      },
      achievements: {
        items: { name: 'نەتىجە نامى', kind: 'نەتىجە تۈرى', rank: 'ئۆزىنىڭ رەت تەرتىپى', achieved_on: 'ئېرىشكەن ۋاقىت', description: 'نەتىجىنىڭ قىسقىچە تونۇشتۇرۇلۇشى' },
      },
      publications: {
        items: { title: 'تېمىسى', journal: 'ژۇرنال (نەشرىيات)', published_on: 'ئېلان قىلىنغان (نەشر قىلىنغان) ۋاقىت', author_rank: 'ئۆزىنىڭ رەت تەرتىپى', kind: 'تۈرى' },
      },
      continuing_education: { records: { course: 'تەربىيەلىنىش (ئۆگىنىش) مەزمۇنى', organizer: 'ئۇيۇشتۇرغۇچى ئورۇن', year: 'يىلى', hours: 'سائەت' } },
      rewards_penalties: { rewards: { name: 'مۇكاپات نامى', granted_by: 'بەرگەن ئورۇن', granted_on: 'بېرىلگەن ۋاقىت' } },
      representative_works: {
        works: { title: 'ۋەكىللىك ئەسەر نامى', kind: 'تۈرى', completed_on: 'تاماملانغان ۋاقىت', summary: 'ۋەكىللىك ئەسەرنىڭ قىسقىچە تونۇشتۇرۇلۇشى (ئۆزىنىڭ تۆھپىسى)' },
      },
      awards: { items: { name: 'مۇكاپات نامى', grade: 'دەرىجىسى', granted_by: 'بەرگەن ئورۇن', granted_on: 'مۇكاپاتقا ئېرىشكەن ۋاقىت' } },
      recommendation_letters: {
        experts: { name: 'مۇتەخەسسىسنىڭ ئىسىم-فامىلىسى', title: 'كەسپىي تېخنىكا ۋەزىپىسى', organization: 'خىزمەت ئورنى', opinion: 'تەۋسىيە پىكرىنىڭ قىسقىچە مەزمۇنى' },
      },
      fanghuiju_service: { appraisals: { year: 'يىلى', result: 'تەكشۈرۈپ باھالاش نەتىجىسى' } },
    },
    // Choice options, by the Chinese option (the value saved stays Chinese; this is only
    // what the page shows for it).
    option: {
      '男': 'ئەر', '女': 'ئايال',
      '中共党员': 'جۇڭگو كوممۇنىستىك پارتىيىسى ئەزاسى', '中共预备党员': 'جۇڭگو كوممۇنىستىك پارتىيىسىنىڭ زاپاس ئەزاسى',
      '共青团员': 'كوممۇنىستىك ياشلار ئىتتىپاقى ئەزاسى', '民主党派': 'دېموكراتىك پارتىيە-گۇرۇھ ئەزاسى', '无党派人士': 'پارتىيىسىز زات', '群众': 'ئاممە',
      '中专': 'ئوتتۇرا تېخنىكوم', '大专': 'ئالىي تېخنىكوم', '本科': 'تولۇق كۇرس', '硕士研究生': 'ماگىستىر ئاسپىرانت', '博士研究生': 'دوكتور ئاسپىرانت',
      '无': 'يوق', '学士': 'باكالاۋر', '硕士': 'ماگىستىر', '博士': 'دوكتور',
      '科研项目': 'ئىلمىي تەتقىقات تۈرى', '技术标准': 'تېخنىكا ئۆلچىمى', '专利': 'پاتېنت', '获奖': 'مۇكاپات', '工程项目': 'قۇرۇلۇش تۈرى', '其他': 'باشقا',
      '论文': 'ماقالە', '专著': 'مەخسۇس ئەسەر', '译著': 'تەرجىمە ئەسەر', '教材': 'دەرسلىك', '技术报告': 'تېخنىكا دوكلاتى',
      '研究报告': 'تەتقىقات دوكلاتى', '技术方案': 'تېخنىكا لايىھىسى', '工程设计': 'قۇرۇلۇش لايىھەلەش',
      '全国专业技术资格考试合格': 'مەملىكەتلىك كەسپىي تېخنىكا سالاھىيىتى ئىمتىھانىدىن ئۆتكەن',
      '外省（区、市）取得的职称（如援疆人员）': 'باشقا ئۆلكە، ئاپتونوم رايون ياكى شەھەردە ئېرىشكەن كەسپىي ئۇنۋان (مەسىلەن، شىنجاڭغا ياردەمگە كەلگەن خادىملار)',
      '优秀': 'ئەلا', '称职': 'لاياقەتلىك', '基本称职': 'ئاساسەن لاياقەتلىك', '不称职': 'لاياقەتسىز',
    },
    // The qualification catalog's names, by the Chinese name. A region's own additions
    // show their Chinese until named here.
    qual: {
      level: { '初级': 'دەسلەپكى دەرىجە', '中级': 'ئوتتۇرا دەرىجە', '副高': 'مۇئاۋىن يۇقىرى دەرىجە', '正高': 'تولۇق يۇقىرى دەرىجە' },
      series: {
        '会计系列': 'بوغالتىرلىق سېرىيىسى', '农业系列': 'يېزا ئىگىلىك سېرىيىسى', '卫生系列': 'سەھىيە سېرىيىسى', '工程系列': 'ئىنژېنېرلىق سېرىيىسى',
        '教育系列': 'مائارىپ سېرىيىسى', '经济系列': 'ئىقتىساد سېرىيىسى',
      },
      specialty: {
        '中小学教师': 'ئوتتۇرا-باشلانغۇچ مەكتەپ ئوقۇتقۇچىسى', '人力资源': 'ئادەم كۈچى بايلىقى', '会计': 'بوغالتىرلىق', '农学': 'يېزا ئىگىلىك ئىلمى',
        '医院感染管理': 'دوختۇرخانا يۇقۇملىنىشىنى باشقۇرۇش', '卫生健康': 'سەھىيە ۋە ساغلاملىق', '建筑工程': 'بىناكارلىق قۇرۇلۇشى', '机械电子': 'ماشىنىسازلىق ۋە ئېلېكترون',
      },
      title: {
        '一级教师': 'بىرىنچى دەرىجىلىك ئوقۇتقۇچى', '高级教师': 'يۇقىرى دەرىجىلىك ئوقۇتقۇچى', '正高级教师': 'تولۇق يۇقىرى دەرىجىلىك ئوقۇتقۇچى',
        '医师': 'دوختۇر', '主治医师': 'داۋالاش مەسئۇل دوختۇرى', '副主任医师': 'مۇئاۋىن باش دوختۇر', '主任医师': 'باش دوختۇر', '副主任护师': 'مۇئاۋىن باش سېستىرا',
        '会计师': 'بوغالتىر', '高级会计师': 'يۇقىرى دەرىجىلىك بوغالتىر', '农艺师': 'ئاگرونوم', '高级农艺师': 'يۇقىرى دەرىجىلىك ئاگرونوم',
        '经济师': 'ئىقتىسادشۇناس', '高级经济师': 'يۇقىرى دەرىجىلىك ئىقتىسادشۇناس',
        '技术员': 'تېخنىك', '助理工程师': 'ياردەمچى ئىنژېنېر', '工程师': 'ئىنژېنېر', '高级工程师': 'يۇقىرى دەرىجىلىك ئىنژېنېر',
        '正高级工程师': 'تولۇق يۇقىرى دەرىجىلىك ئىنژېنېر', '教授级高级工程师': 'پروفېسسور دەرىجىلىك يۇقىرى ئىنژېنېر',
      },
    },
  },
}
