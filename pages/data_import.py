"""数据导入 Data import: upload the day's spreadsheets, see per file what would load and what
would be rejected and why, then confirm (or cancel: nothing is written). Templates, data
freshness and the rejected rows kept in the snapshot are here too."""
import pandas as pd
import streamlit as st

from sitrep import config
from sitrep.app import filters, privacy, session, ui, upload
from sitrep.i18n import t
from sitrep.ingest import templates

f = filters.current()
lang = f.lang
ui.heading(f, "page.data_import")

state = st.session_state
state.setdefault("import_round", 0)
done = state.pop("import_done", None)
if done:
    st.success(t("import.done", lang, **done))

# -- 1. upload and preview ---------------------------------------------------------------
st.subheader(t("import.upload", lang))
uploaded = st.file_uploader(
    t("import.upload_help", lang, mb=config.MAX_FILE_MB), type=["csv", "txt", "tsv", "xlsx", "xlsm"],
    accept_multiple_files=True, key=f"import_files_{state['import_round']}")
files = [(u.name, u.getvalue()) for u in uploaded or []]

if files:
    key = upload.fingerprint(files) + (ui.snapshot() or "")
    if state.get("import_preview_key") != key:
        if "import_preview" in state:  # other files now: the earlier staging goes
            upload.discard(state["import_preview"][0])
        folder = upload.stage(files)
        state["import_preview"] = (folder, upload.run(
            folder, f.compound, dry_run=True, who="preview", max_file_mb=config.MAX_FILE_MB))
        state["import_preview_key"] = key
    folder, results = state["import_preview"]
    st.caption(t("import.preview_note", lang))
    ui.table(pd.DataFrame(upload.summary_rows(results, lang)), "import_summary", lang,
             columns={c: t(f"import.col.{c}", lang) for c in
                      ("file", "kind", "rows_read", "accepted", "rejected", "duplicates", "refused")})
    rejections = upload.rejection_rows(results, lang, personal=privacy.may_see_personal())
    if rejections:
        total = sum(r.rejected for r in results)
        st.markdown(t("import.first_rejected", lang, n=min(len(rejections), 20), total=total))
        if total > len(rejections):
            st.caption(t("import.report_capped", lang, kept=len(rejections), total=total))
        ui.table(pd.DataFrame(rejections[:20]), "import_rejected_preview", lang,
                 columns={c: t(f"import.col.{c}", lang) for c in
                          ("file", "sheet", "row", "column", "value", "reason")})
        st.download_button(t("import.report", lang), upload.report_xlsx(results, lang, personal=privacy.may_see_personal()),
                           file_name="rejected_rows.xlsx", key="import_report", on_click="ignore",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    loadable = sum(r.accepted for r in results)
    writes = not session.is_open_demo()     # the open demo never writes (sitrep/access/mode.py)
    if not writes:
        st.info(t("auth.demo_import", lang))
    with st.container(horizontal=True):
        confirm = writes and st.button(t("import.confirm", lang, n=loadable), type="primary",
                                       disabled=loadable == 0 and not any(r.rows_read for r in results),
                                       key="import_confirm")
        cancel = st.button(t("import.cancel", lang), key="import_cancel")
    if confirm:
        ui.check_scope(f.compound)          # a clerk imports only into her own compounds
        final = upload.run(folder, f.compound, dry_run=False, who=session.current_user()[0],
                           max_file_mb=config.MAX_FILE_MB)
        state["import_done"] = {"files": len(final), "accepted": sum(r.accepted for r in final),
                                "rejected": sum(r.rejected for r in final),
                                "duplicates": sum(r.duplicates for r in final)}
    if confirm or cancel:
        upload.discard(folder)
        state["import_round"] += 1
        state.pop("import_preview", None)
        state.pop("import_preview_key", None)
        st.rerun()

# -- 2. data freshness ---------------------------------------------------------------------
st.subheader(t("import.freshness", lang))
fresh = ui.query("data_freshness", compound=f.compound, **config.freshness_params())
fresh["kind_label"] = [t(f"kind.{k}", lang) for k in fresh["kind"]]
fresh["stale_label"] = [t("import.stale" if s else "import.fresh", lang) for s in fresh["is_stale"]]
ui.table(fresh, "import_freshness", lang, columns={
    "kind_label": t("import.col.kind", lang), "last_import_at": t("import.col.last_import", lang),
    "newest_on": t("import.col.newest", lang), "stale_label": t("import.col.stale", lang)})

# -- 3. rejected rows kept in the snapshot ---------------------------------------------------
st.subheader(t("import.rejected_kept", lang))
kinds = st.multiselect(t("import.kinds", lang), list(templates.FILE_NAMES), key="import_kinds",
                       format_func=lambda k: t(f"kind.{k}", lang))
kept = ui.query("rejected_rows_recent", compound=f.compound, kinds=kinds, limit=500)
shown = [upload.shown_rejection(rej, lang, privacy.may_see_personal()) for rej in kept.to_dict("records")]
kept["value"] = [value for value, _ in shown]
kept["reason"] = [reason for _, reason in shown]
ui.table(kept, "import_rejected_kept", lang, columns={
    "imported_at": t("import.col.imported_at", lang), "file": t("import.col.file", lang),
    "sheet": t("import.col.sheet", lang), "row_number": t("import.col.row", lang),
    "column": t("import.col.column", lang), "value": t("import.col.value", lang),
    "reason": t("import.col.reason", lang)})

# -- 4. blank templates ------------------------------------------------------------------------
st.subheader(t("import.templates", lang))
st.caption(t("import.templates_help", lang))
with st.container(horizontal=True):
    for kind, name in templates.FILE_NAMES.items():
        st.download_button(t(f"kind.{kind}", lang), ui.template_bytes(kind), file_name=name,
                           key=f"import_template_{kind}", on_click="ignore",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
