"""Softmax Lab: the frame. Page config, navigation and the shared sidebar; pages do the rest."""

import streamlit as st

from softmax_lab.ui import frame, share, sidebar

with frame.running():
    st.set_page_config(
        page_title="Softmax Lab",
        page_icon=str(frame.ROOT / "softmax_lab" / "ui" / "favicon.svg"),
        layout="wide",
    )
    share.load_from_url()
    page = frame.navigation()
    sidebar.render(page)
    page.run()
    share.copy_link_button(st.sidebar)
    share.write_to_url()
