from services.review import expert_models  # noqa: F401  (its tables share Base)
from services.review.models import Base
from zc_common.migrate import run_env

run_env(Base.metadata)
