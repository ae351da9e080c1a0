import os

# Parallelism comes from processes (gunicorn and Celery workers, one per core), so numeric work
# inside each process uses one BLAS/OpenMP thread; two threads per process on two cores made
# the recommender's ALS fit about five times slower. Set before numpy is first imported.
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

# Load the Celery app whenever Django starts so that @shared_task binds to it.
from imgsite.celery import app as celery_app  # noqa: E402

__all__ = ("celery_app",)
