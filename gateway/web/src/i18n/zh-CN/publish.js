// 通知发布: the administrator (by region) or a committee publishes notices.
export default {
  publish: {
    header: '发布通知公告 / 纸质材料报送要求', kind: '类别', announcement: '通知公告', paper: '纸质材料报送要求',
    title: '标题', body: '正文', pinned: '置顶', publish: '发布', published: '已发布', list: '已发布',
  },
}
