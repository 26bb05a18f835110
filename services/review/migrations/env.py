from services.review.models import Base
from zc_common.migrate import run_env

run_env(Base.metadata)
