"""The floor: a bare page that only echoes a slider's value as text.

The browser benchmark times a slider change round trip here and on each lab page in
the same run; the ratio is what the lab adds on top of Streamlit and the browser.
"""

import streamlit as st

value = st.select_slider("Temperature T", options=[0.5, 1.0, 2.0], value=1.0, key="temperature")
st.write(f"value = {value}")
