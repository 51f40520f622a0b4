"""Pages of the planner app: each module is a Streamlit page script run by ``st.navigation``."""
