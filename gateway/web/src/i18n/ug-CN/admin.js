// The platform administrator's pages (impersonation, audit log).
export default {
  admin: {
    impersonateTip: 'ئىشلەتكۈچىنى تەقلىد قىلىش ئىشلەتكۈچىگە مەسىلە تەكشۈرۈشكە ياردەملىشىش ئۈچۈن: شۇ ئىشلەتكۈچىنىڭ سالاھىيىتىدە كۆرۈش ۋە مەشغۇلات قىلىش، بەتنىڭ ئۈستىدە ھەمىشە قىزىل ئەسكەرتىش بالدىقى كۆرۈنىدۇ، بارلىق مەشغۇلاتلار تەپتىش خاتىرىسىگە يېزىلىپ سىز باشلىغانلىقى ئەسكەرتىلىدۇ.',
    impersonateUser: 'تەقلىد قىلىنىدىغان ئىشلەتكۈچى نامى', impersonateGo: 'تەقلىد قىلىشنى باشلاش',
  },
  audit: {
    event: 'ھادىسە', user: 'ئىشلەتكۈچى', impersonator: 'تەقلىد قىلغۇچى', address: 'ئادرېس', detail: 'تەپسىلاتى',
    kinds: {
      login_success: 'مۇۋەپپەقىيەتلىك كىردى', login_failure: 'كىرىش مەغلۇپ بولدى', login_throttled: 'كىرىش چەكلەندى (سىناش بەك كۆپ)', logout: 'چېكىندى',
      reauth_failure: 'قايتا دەلىللەش مەغلۇپ بولدى', region_switched: 'رايون ئالماشتۇردى', password_changed: 'پارول ئۆزگەرتتى', password_reset: 'پارول قايتا بەلگىلەندى',
      profile_updated: 'ئالاقە ئۇسۇلىنى ئۆزگەرتتى', recovery_code_sent: 'ئەسلىگە كەلتۈرۈش كودى ئەۋەتىلدى', recovery_code_failed: 'ئەسلىگە كەلتۈرۈش كودى خاتا',
      username_recovered: 'ئىشلەتكۈچى نامى تېپىلدى', applicant_registered: 'شەخسىي تىزىملاتتى', unit_registered: 'ئورۇن تىزىملاتتى', unit_updated: 'ئورۇن ئۇچۇرىنى مۇكەممەللەشتۈردى',
      organization_created: 'ئورگان قوشۇلدى', staff_created: 'خادىم قوشۇلدى', staff_disabled: 'خادىم توختىتىلدى', expert_created: 'مۇتەخەسسىس ئامبارغا كىرگۈزۈلدى',
      impersonation_started: 'ئىشلەتكۈچىنى تەقلىد قىلىش باشلاندى', appeal_submitted: 'ھېسابات ئەرزى يوللاندى', appeal_decided: 'ھېسابات ئەرزى بىر تەرەپ قىلىندى',
    },
    fields: {
      f_username: 'ئىشلەتكۈچى نامى', f_role: 'رولى', f_region_code: 'رايون', f_reason: 'سەۋەبى', f_channel: 'يول', f_by: 'مەشغۇلات قىلغۇچى', f_target: 'ئوبيېكت',
      f_approved: 'ماقۇللاندى', f_org_id: 'ئورگان', f_name: 'نامى', f_kind: 'تۈرى', f_fields: 'بۆلەكلەر',
    },
  },
}
