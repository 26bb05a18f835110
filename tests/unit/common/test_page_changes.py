"""zc_common/page_changes.py: which applications' pages a service's commits changed,
read off its ORM rows and statements, on a real (SQLite) session."""
from sqlalchemy import String, create_engine, delete, insert, update
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, sessionmaker

from zc_common.page_changes import ALL, PageTables, publish, watch


class Base(DeclarativeBase):
    pass


class Shown(Base):
    __tablename__ = "shown"
    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[str] = mapped_column(String(36))
    text: Mapped[str] = mapped_column(String(50), default="")


class Everywhere(Base):
    __tablename__ = "everywhere"
    id: Mapped[int] = mapped_column(primary_key=True)


class Unseen(Base):
    __tablename__ = "unseen"
    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[str] = mapped_column(String(36))


def make_session():
    """A session whose commits' page changes are told into ``session.told``."""
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    told = []
    watch(factory, PageTables(by_application={"shown": "application_id"}, shared=("everywhere",)), told.append)
    session = factory()
    session.told = told
    return session


def take_committed(session):
    """What the session's commits told since the last look, merged."""
    changed = sorted({i for told in session.told for i in told})
    session.told.clear()
    return [ALL] if ALL in changed else changed


def test_committed_rows_name_their_applications_and_a_rollback_names_none():
    session = make_session()
    row = Shown(application_id="a1")
    session.add_all([row, Unseen(application_id="u1")])
    session.commit()
    assert take_committed(session) == ["a1"]
    assert take_committed(session) == []  # taken once
    row.text = "changed"
    session.add(Shown(application_id="a2"))
    session.flush()
    session.rollback()
    assert take_committed(session) == []
    session.delete(session.get(Shown, row.id))
    session.commit()
    assert take_committed(session) == ["a1"]


def test_statements_name_the_applications_of_their_where_clause():
    session = make_session()
    session.execute(insert(Shown).values(id=1, application_id="a1"))
    session.execute(insert(Shown), [{"id": 2, "application_id": "a4"}, {"id": 3, "application_id": "a5"}])
    session.commit()
    assert take_committed(session) == ["a1", "a4", "a5"]
    session.execute(insert(Shown).from_select(["id", "application_id"], Unseen.__table__.select()))
    session.commit()
    assert take_committed(session) == [ALL]  # names no application it can be held to
    session.execute(update(Shown).where(Shown.application_id == "a1").values(text="x"))
    session.execute(delete(Shown).where(Shown.application_id.in_(["a2", "a3"])))
    session.commit()
    assert take_committed(session) == ["a1", "a2", "a3"]
    session.execute(update(Shown).where(Shown.text == "x").values(text="y"))
    session.commit()
    assert take_committed(session) == [ALL]
    session.execute(update(Unseen).values(application_id="u2"))
    session.commit()
    assert take_committed(session) == []


def test_a_shared_table_changes_every_page():
    session = make_session()
    session.add(Everywhere())
    session.add(Shown(application_id="a1"))
    session.commit()
    assert take_committed(session) == [ALL]


def test_a_failed_publish_is_logged_not_raised(caplog):
    class Down:
        def publish(self, *args, **kwargs):
            raise ConnectionError("broker away")

    sent = []

    class Up:
        def publish(self, payload, **kwargs):
            sent.append(payload)

    publish(Down(), ["a1"])
    assert "could not tell the gateways" in caplog.text
    publish(Up(), [])
    publish(Up(), ["a1", "a2"])
    assert sent == [{"applications": ["a1", "a2"]}]
