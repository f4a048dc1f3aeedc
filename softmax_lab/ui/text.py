"""User text inside Streamlit markdown, shown literally.

Streamlit renders markdown (links, images, emphasis) in st.markdown, st.caption,
st.error and friends. Class names and file contents are escaped before they go there;
raw HTML is never enabled.
"""

import re

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&])")


def md(text, limit=60):
    """``text`` escaped for markdown and cut to ``limit`` characters.

    Examples
    --------
    >>> md("[x](javascript:alert(1))")
    '\\\\[x\\\\]\\\\(javascript\\\\:alert\\\\(1\\\\)\\\\)'
    """
    text = str(text)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return _SPECIAL.sub(r"\\\1", text)
