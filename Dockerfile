# Softmax Lab in a container: docker build -t softmax-lab . && docker run -p 8501:8501 softmax-lab
FROM python:3.11-slim
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY app.py ./
COPY softmax_lab ./softmax_lab
COPY pages ./pages
COPY .streamlit ./.streamlit
# The chart frames' plotly.js (softmax_lab/ui/charts.py), placed while the folders are
# still writable; the app checks their size and time and leaves them
# alone (see STATIC_TIME in charts.py for the static copy's date).
RUN PLOTLY_JS="$(python -c 'import os, plotly; print(os.path.join(os.path.dirname(plotly.__file__), "package_data", "plotly.min.js"))')" \
 && VERSION="$(python -c 'import plotly; print(plotly.__version__)')" \
 && mkdir -p static && cp "$PLOTLY_JS" "static/plotly-$VERSION.min.js" \
 && touch -d @946684800 "static/plotly-$VERSION.min.js" \
 && cp -p "$PLOTLY_JS" softmax_lab/ui/plotly_frame/
RUN useradd --create-home lab
USER lab
EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD python -c "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4).read() != b'ok')"
CMD ["python", "-m", "streamlit", "run", "app.py", "--server.port=8501", "--server.address=0.0.0.0"]
