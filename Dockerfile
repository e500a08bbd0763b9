# AdaptLab app image: CPU-only, offline, the bundled mini GPT-2 included. See docs/deploy.md.
#   docker build -t adaptlab .
#   docker run -p 8501:8501 -e ADAPTLAB_INSTRUCTOR_PASSCODE=... adaptlab
FROM python:3.11-slim

# MALLOC_ARENA_MAX=2: glibc otherwise keeps an arena per busy thread (every Streamlit session is
# one): 20 idle learners of a live class held 2.5 MB each, 0.9 MB with it (benchmarks/live_class.py).
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    MALLOC_ARENA_MAX=2 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1

WORKDIR /app
# torch first, from PyTorch's CPU index: PyPI's Linux wheel pulls in CUDA libraries (gigabytes) that
# a CPU-only app never uses. The pinned version is the one requirements.txt names.
RUN pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
# Never run as root; the SQLite default (data/) must be writable by the app user. With PostgreSQL
# (ADAPTLAB_DB_URL) nothing in the image is written.
RUN useradd --create-home --uid 10001 adaptlab && mkdir -p data && chown adaptlab data
USER adaptlab

EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4)"
# .streamlit/config.toml in the image carries the security settings (no usage stats, XSRF on, no
# tracebacks, 5 MB uploads). The cookie secret comes from STREAMLIT_SERVER_COOKIE_SECRET at run
# time, the same value on every replica.
CMD ["streamlit", "run", "serve.py", "--server.address=0.0.0.0", "--server.port=8501", \
     "--server.headless=true", "--server.fileWatcherType=none"]
