# nbconvert configuration used by run.mjs (`jupyter nbconvert --config <this file>`).
#
# tslab reports a failed cell only in the execute reply's status (its error text goes to the
# cell's stderr stream, with no ename/evalue and no error output), and it aborts the cells
# queued after a failure. So the run keeps going past errors (allow_errors, to write the whole
# notebook for inspection) and stamps every code cell with the status of its reply; run.mjs
# then fails unless every code cell says "ok".
c = get_config()  # noqa: F821 (provided by traitlets when it loads this file)


def record_status(cell, cell_index, execute_reply):
    cell.metadata["daqdata"] = {"status": execute_reply["content"].get("status", "unknown")}


c.ExecutePreprocessor.kernel_name = "tslab"
c.ExecutePreprocessor.allow_errors = True
c.ExecutePreprocessor.on_cell_executed = record_status
# A cell streams from a live observatory for a few seconds; a minute means it is stuck.
c.ExecutePreprocessor.timeout = 120
c.ExecutePreprocessor.startup_timeout = 120
