# Softmax Lab in a container: docker build -t softmax-lab . && docker run -p 8501:8501 softmax-lab
FROM python:3.11-slim
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY pyproject.toml README.md app.py ./
COPY softmax_lab ./softmax_lab
COPY pages ./pages
COPY .streamlit ./.streamlit
# The package, installed as `make run` does, so Streamlit finds the chart component's
# asset folder in pyproject.toml; then the charts' plotly.js is checked against its pinned
# SHA-256 and the installed plotly's version (softmax_lab/ui/chart_assets.py).
# /app stays root's: the app runs read-only as `lab` and writes nothing there.
RUN pip install --no-cache-dir --no-deps -e . \
 && python -m softmax_lab.ui.chart_assets
RUN useradd --create-home lab
USER lab
EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD python -c "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4).read() != b'ok')"
CMD ["python", "-m", "streamlit", "run", "app.py", "--server.port=8501", "--server.address=0.0.0.0"]
