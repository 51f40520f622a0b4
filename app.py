"""Staffcast planner: ``streamlit run app.py`` (same app as ``staffcast app``).

The navigation and page list live in :mod:`staffcast.ui.streamlit_app`.
"""

from staffcast.ui.streamlit_app import main

main()
