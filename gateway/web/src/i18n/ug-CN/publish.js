// 通知发布: the administrator (by region) or a committee publishes notices.
export default {
  publish: {
    header: 'ئۇقتۇرۇش-ئېلان / قەغەز ماتېرىيال يوللاش تەلىپىنى ئېلان قىلىش', kind: 'تۈرى', announcement: 'ئۇقتۇرۇش-ئېلان', paper: 'قەغەز ماتېرىيال يوللاش تەلىپى',
    title: 'تېما', body: 'مەزمۇنى', pinned: 'ئەڭ ئۈستىگە قويۇش', publish: 'ئېلان قىلىش', published: 'ئېلان قىلىندى', list: 'ئېلان قىلىنغانلىرى',
  },
}
