"""CSV / Excel import of leads: upload, map columns, preview, validate per row, run in chunks.

Each chunk of rows is captured by the same service as every channel, one savepoint
per row. Chunks of large files go to queue_job (channel root.crm) so several workers
share them; each chunk adds its counts with one UPDATE, so progress shows as it goes.
Rows that fail are kept with their error and can be downloaded back as CSV.

CSV files are read as spreadsheets write them: UTF-8 with or without BOM, UTF-16 with
its BOM (Excel's "Unicode text", tab separated), Windows-1252/Latin-1 (Excel's "CSV" in
Western Europe); the separator (``,`` ``;`` or tab) is decided from the header line.

A chunk whose worker died (killed, time limit, out of memory) leaves its queue job
"started" without the job's lock held (queue_job keeps a row lock while a job runs):
the scheduled check marks such an import failed with the reason, cancels its other
jobs, and *Import* then resumes with the chunks that were not done.
"""

import base64
import codecs
import contextlib
import csv
import io
import logging
import unicodedata
from datetime import datetime, timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .crm_lead import CAPTURE_FIELDS, CaptureError

_logger = logging.getLogger(__name__)

# rows captured by one job
IMPORT_CHUNK = 500
# files with more rows than this run in the background
BACKGROUND_ROWS = 1000
# rows shown in the preview
PREVIEW_ROWS = 5
# a job started this long ago whose lock is free has lost its worker (queue_job takes
# the lock right after committing the start: the margin covers that moment)
DEAD_JOB_GRACE = timedelta(seconds=30)
# byte order marks, longest first (the UTF-32 LE mark starts with the UTF-16 LE one)
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8 (BOM)"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
)
SEPARATORS = (",", ";", "\t")
# a spreadsheet runs a cell starting with one of these as a formula (OWASP CSV injection)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# header aliases recognised when mapping columns automatically (accents and case folded)
ALIASES = {
    "email": {
        "email",
        "e-mail",
        "e mail",
        "mail",
        "correo",
        "correo electronico",
        "correu",
        "correu electronic",
        "posta elettronica",
        "email_from",
    },
    "phone": {
        "phone",
        "telephone",
        "tel",
        "tel.",
        "mobile",
        "telefono",
        "movil",
        "telefon",
        "cellulare",
        "phone number",
    },
    "contact_name": {
        "contact",
        "contact_name",
        "contact name",
        "name",
        "full name",
        "nombre",
        "nom",
        "nome",
        "contacto",
        "contatto",
    },
    "partner_name": {
        "company",
        "partner_name",
        "company name",
        "empresa",
        "organization",
        "organisation",
        "azienda",
        "societe",
        "societa",
    },
    "name": {"title", "subject", "opportunity", "lead", "asunto", "oportunidad"},
    "website": {"website", "web", "url", "site", "sitio web", "sito web"},
    "description": {
        "description",
        "notes",
        "comment",
        "message",
        "notas",
        "descripcion",
        "note",
        "mensaje",
    },
    "city": {"city", "ciudad", "ciutat", "citta", "poblacion", "ville"},
    "country_code": {"country", "country_code", "pais", "paese", "pays"},
}


def fold(text):
    """Lower case without accents or trailing colon: "Teléfono:" -> "telefono"."""
    text = unicodedata.normalize("NFKD", text.strip().lower())
    return "".join(c for c in text if not unicodedata.combining(c)).rstrip(":* ").strip()


def is_filled(row):
    return any(cell.strip() for cell in row)


def count_rows(rows):
    return sum(1 for row in rows if is_filled(row))


def target_selection(model=None):
    """Values of ``crm.lead.import.column.target`` (Odoo calls it with the model)."""
    return [("", "Do not import")] + [
        (key, key.replace("_", " ").capitalize())
        for key, kind in CAPTURE_FIELDS.items()
        if kind in ("text", "html", "float", "selection")
    ]


def decode_text(data):
    """(text, label of the encoding) of a CSV file's bytes; UserError if not text.

    A byte order mark decides; without one, NUL bytes mean UTF-16 (their side tells
    the byte order), then UTF-8, then Windows-1252, then Latin-1 (which reads any byte).
    """
    for bom, codec, label in BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec), label
            except UnicodeDecodeError as e:
                raise UserError(
                    _("The file starts as %(encoding)s text but is not.", encoding=label)
                ) from e
    head = data[:4096]
    if b"\x00" in head:
        # ASCII in UTF-16: the NUL is the high byte, after (LE) or before (BE) the letter
        odd = sum(1 for b in head[1::2] if b == 0)
        even = sum(1 for b in head[0::2] if b == 0)
        codec = "utf-16-le" if odd > even else "utf-16-be"
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            text = ""
        if not text or "\x00" in text:
            raise UserError(_("This is not a text file: save it as CSV (UTF-8)."))
        return text, "UTF-16"
    for codec, label in (("utf-8", "UTF-8"), ("cp1252", "Windows-1252")):
        try:
            return data.decode(codec), label
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1"), "Latin-1"


def header_separator(text):
    """The separator (``,`` ``;`` or tab) used most in the header line, outside quotes.

    Only the header decides: free text in the rows (commas in a note) does not.
    """
    counts = dict.fromkeys(SEPARATORS, 0)
    quoted = False
    for char in text:
        if char == '"':
            quoted = not quoted
        elif quoted:
            continue
        elif char in "\r\n":
            break
        elif char in counts:
            counts[char] += 1
    best = max(SEPARATORS, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def parse_csv(text):
    """(header, rows, separator) of CSV text; an Excel ``sep=;`` first line is honoured."""
    first, __, rest = text.partition("\n")
    if first.rstrip("\r").lower().startswith("sep=") and len(first.rstrip("\r")) == 5:
        separator, text = first[4], rest
    else:
        separator = header_separator(text)
    # newline="": quoted fields keep their line breaks; lines may end in CRLF, LF or CR
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=False)
    try:
        rows = list(reader)
    except csv.Error as e:
        raise UserError(
            _(
                "The file could not be read near line %(line)s: %(error)s",
                line=reader.line_num,
                error=e,
            )
        ) from e
    if not any(is_filled(row) for row in rows):
        raise UserError(_("The file is empty."))
    return rows[0], rows[1:], separator


def spreadsheet_safe(value):
    """A cell that a spreadsheet shows as text: formulas get a leading quote (OWASP)."""
    value = "" if value is None else str(value)
    return "'" + value if value.startswith(FORMULA_START) else value


class CrmLeadImport(models.Model):
    _name = "crm.lead.import"
    _description = "Lead Import"
    _inherit = ["mail.thread"]
    _order = "id desc"

    name = fields.Char(compute="_compute_name", store=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    file = fields.Binary(attachment=True, required=True)
    filename = fields.Char()
    encoding = fields.Char(readonly=True)
    separator = fields.Char(readonly=True, help="Column separator of the CSV file.")
    state = fields.Selection(
        [
            ("draft", "Upload"),
            ("mapped", "Map Columns"),
            ("running", "Running"),
            ("failed", "Failed"),
            ("done", "Done"),
        ],
        default="draft",
        required=True,
        tracking=True,
    )
    failure_reason = fields.Text(readonly=True)
    heartbeat = fields.Datetime(
        string="Last Progress", readonly=True, help="When a chunk of rows last finished."
    )
    # starts (row offsets) of the chunks already imported, space separated; a resumed
    # import runs only the others
    chunks_done = fields.Char(readonly=True, copy=False)
    column_ids = fields.One2many("crm.lead.import.column", "import_id", string="Columns")
    preview_html = fields.Html(compute="_compute_preview_html", sanitize=True)
    row_count = fields.Integer(string="Rows", readonly=True)
    processed_count = fields.Integer(string="Processed", readonly=True)
    created_count = fields.Integer(string="New", readonly=True)
    linked_count = fields.Integer(string="Linked to Customers", readonly=True)
    merged_count = fields.Integer(string="Merged", readonly=True)
    error_count = fields.Integer(string="Errors", readonly=True)
    progress = fields.Float(compute="_compute_progress")
    error_ids = fields.One2many("crm.lead.import.error", "import_id", string="Rejected Rows")
    error_file = fields.Binary(compute="_compute_error_file", string="Rejected Rows File")
    error_filename = fields.Char(compute="_compute_error_file")

    @api.depends("filename", "create_date")
    def _compute_name(self):
        for rec in self:
            rec.name = rec.filename or _("Lead import")

    @api.depends("processed_count", "row_count")
    def _compute_progress(self):
        for rec in self:
            rec.progress = 100.0 * rec.processed_count / rec.row_count if rec.row_count else 0.0

    # ------------------------------------------------------------------
    # Reading the file
    # ------------------------------------------------------------------
    def _parse_file(self):
        """(header, rows, encoding label, separator) of the file; a clear UserError if
        unreadable. Reads only: nothing is written (it also serves the preview)."""
        self.ensure_one()
        # the web client reads binary fields with bin_size (their size, not their content)
        data = base64.b64decode(self.with_context(bin_size=False).file or b"")
        name = (self.filename or "").lower()
        if name.endswith((".xlsx", ".xlsm")):
            header, rows = self._read_xlsx(data)
            return header, rows, "xlsx", ","
        if not data.strip():
            raise UserError(_("The file is empty."))
        text, encoding = decode_text(data)
        header, rows, separator = parse_csv(text)
        return header, rows, encoding, separator

    def _read_rows(self):
        """Header and rows of the file as lists of strings."""
        header, rows, __, __ = self._parse_file()
        return header, rows

    def _read_xlsx(self, data):
        import openpyxl

        try:
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as e:
            raise UserError(_("The Excel file could not be read: %s", e)) from e
        sheet = book.worksheets[0]
        rows = [
            ["" if c is None else str(c) for c in row] for row in sheet.iter_rows(values_only=True)
        ]
        if not any(any(c.strip() for c in row) for row in rows):
            raise UserError(_("The file is empty."))
        return rows[0], rows[1:]

    def action_load(self):
        """Read the header, guess the mapping and show the preview."""
        for rec in self:
            if rec.state not in ("draft", "mapped"):
                raise UserError(_("This file was imported already: upload it as a new import."))
            header, rows, encoding, separator = rec._parse_file()
            used = set()
            columns = []
            for index, title in enumerate(header):
                key = fold(title)
                target = next(
                    (t for t, names in ALIASES.items() if key in names and t not in used), ""
                )
                used.add(target)
                sample = next((r[index] for r in rows if index < len(r) and r[index]), "")
                columns.append(
                    {
                        "sequence": index,
                        "column": title.strip() or f"#{index + 1}",
                        "sample": sample[:100],
                        "target": target,
                    }
                )
            rec.column_ids.unlink()
            rec.write(
                {
                    "column_ids": [fields.Command.create(c) for c in columns],
                    "row_count": count_rows(rows),
                    "encoding": encoding,
                    "separator": separator,
                    "state": "mapped",
                }
            )
        return True

    @api.depends("column_ids.target", "file")
    def _compute_preview_html(self):
        for rec in self:
            if rec.state != "mapped" or not rec.file:
                rec.preview_html = False
                continue
            try:
                __, rows = rec._read_rows()
            except UserError as e:
                rec.preview_html = f"<p>{e}</p>"
                continue
            mapped = rec.column_ids.filtered("target").sorted("sequence")
            head = "".join(f"<th>{c.target}</th>" for c in mapped)
            body = "".join(
                "<tr>"
                + "".join(
                    f"<td>{row[c.sequence] if c.sequence < len(row) else ''}</td>" for c in mapped
                )
                + "</tr>"
                for row in rows[:PREVIEW_ROWS]
            )
            rec.preview_html = (
                f'<table class="table table-sm"><thead><tr>{head}</tr></thead>'
                f"<tbody>{body}</tbody></table>"
            )

    # ------------------------------------------------------------------
    # Running
    # ------------------------------------------------------------------
    def _done_starts(self):
        self.ensure_one()
        return {int(start) for start in (self.chunks_done or "").split()}

    def action_import(self):
        """Import the rows; a failed import resumes with the chunks that were not done."""
        self.ensure_one()
        if self.state == "running":
            self._check_running()
            if self.state == "running":
                raise UserError(_("This import is running: wait for it, or stop it first."))
        if self.state not in ("mapped", "failed"):
            raise UserError(_("Load the file and map its columns first."))
        targets = self.column_ids.filtered("target").mapped("target")
        if len(targets) != len(set(targets)):
            raise UserError(_("Two columns are mapped to the same field."))
        if not {"email", "phone"} & set(targets):
            raise UserError(_("Map a column to email or phone."))
        __, rows = self._read_rows()
        if self.state == "failed":
            done = self._done_starts()
            self.write({"state": "running", "failure_reason": False})
        else:
            done = set()
            self.error_ids.unlink()
            self.write(
                {
                    "state": "running",
                    "row_count": count_rows(rows),
                    "processed_count": 0,
                    "created_count": 0,
                    "linked_count": 0,
                    "merged_count": 0,
                    "error_count": 0,
                    "chunks_done": False,
                    "failure_reason": False,
                }
            )
        self.heartbeat = fields.Datetime.now()
        starts = [start for start in range(0, len(rows), IMPORT_CHUNK) if start not in done]
        # crm_ops_sync only chooses where the rows run (this request or jobs); it decides
        # nothing about access, which is the user's own in both
        background = len(rows) > BACKGROUND_ROWS and not self.env.context.get("crm_ops_sync")
        for start in starts:
            if background:
                self.with_delay(
                    channel="root.crm",
                    description=_(
                        "Lead import %(name)s, rows from %(row)s", name=self.name, row=start + 1
                    ),
                    identity_key=self._job_identity(start),
                )._import_chunk(start)
            else:
                self._import_chunk(start)
        if not starts:
            # every chunk was done before the failure was noticed
            self.state = "done"
        return True

    def _job_identity(self, start):
        return f"crm.lead.import,{self.id},{start}"

    def _import_chunk(self, start):
        """Capture rows [start, start + IMPORT_CHUNK) and add the counts in one UPDATE."""
        self.ensure_one()
        if self.state != "running" or start in self._done_starts():
            # stopped or failed meanwhile, or a copy of a chunk that ran already
            return {}
        __, rows = self._read_rows()
        mapping = [(c.sequence, c.target) for c in self.column_ids if c.target]
        Lead = self.env["crm.lead"].with_company(self.company_id)
        counts = {"created": 0, "linked": 0, "merged": 0, "duplicate_request": 0, "error": 0}
        errors = []
        raw_out = io.StringIO()
        raw_writer = csv.writer(raw_out, delimiter=self.separator or ",", lineterminator="")
        for number, row in enumerate(rows[start : start + IMPORT_CHUNK], start=start + 2):
            if not is_filled(row):
                continue
            values = {t: row[i].strip() for i, t in mapping if i < len(row) and row[i].strip()}
            if "expected_revenue" in values:
                with contextlib.suppress(ValueError):  # left as text: capture reports it
                    values["expected_revenue"] = float(values["expected_revenue"].replace(",", "."))
            values["company_id"] = self.company_id.id
            try:
                with self.env.cr.savepoint():
                    result = Lead._crm_ops_capture(values, "import")
                counts[result["status"]] += 1
            except CaptureError as e:
                counts["error"] += 1
                # the row as the file had it, so that the rejected rows file gives it back
                raw_out.seek(0)
                raw_out.truncate()
                raw_writer.writerow(row)
                errors.append(
                    {
                        "import_id": self.id,
                        "row_number": number,
                        "raw": raw_out.getvalue()[:2000],
                        "message": "; ".join(f"{k}: {v}" for k, v in e.errors.items()),
                    }
                )
        if errors:
            self.env["crm.lead.import.error"].create(errors)
        done = sum(counts.values())
        self.flush_recordset()
        self.env.cr.execute(
            SQL(
                """UPDATE crm_lead_import SET processed_count = processed_count + %s,
                      created_count = created_count + %s, linked_count = linked_count + %s,
                      merged_count = merged_count + %s, error_count = error_count + %s,
                      chunks_done = concat_ws(' ', NULLIF(chunks_done, ''), %s::text),
                      heartbeat = now() AT TIME ZONE 'UTC',
                      state = CASE WHEN state = 'running' AND processed_count + %s >= row_count
                                   THEN 'done' ELSE state END
                WHERE id = %s AND ' ' || COALESCE(chunks_done, '') || ' ' NOT LIKE %s
            RETURNING id""",
                done,
                counts["created"] + counts["duplicate_request"],
                counts["linked"],
                counts["merged"],
                counts["error"],
                start,
                done,
                self.id,
                f"% {start} %",
            )
        )
        if not self.env.cr.fetchone():
            # another run recorded this chunk meanwhile: roll these rows back
            raise UserError(_("These rows were imported already."))
        self.invalidate_recordset()
        return counts

    # ------------------------------------------------------------------
    # Watching the jobs
    # ------------------------------------------------------------------
    def _jobs(self):
        """The queue jobs of this import's chunks (superuser: queue.job is for admins;
        only this import's jobs, found by their identity key, are read)."""
        self.ensure_one()
        return (
            self.env["queue.job"]
            .sudo()
            .search([("identity_key", "=like", f"crm.lead.import,{self.id},%")])
        )

    def _dead_job_ids(self, jobs):
        """Started jobs whose worker is gone: queue_job holds a row lock on the job's
        ``queue_job_lock`` row while it runs; a killed worker's connection releases it."""
        started = jobs.filtered(
            lambda j: (
                j.state == "started"
                and (j.date_started or j.date_enqueued or j.create_date)
                # not fields.Datetime.now(): it drops the microseconds queue_job's dates have
                < datetime.now() - DEAD_JOB_GRACE
            )
        )
        if not started:
            return []
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """SELECT j.id FROM queue_job j
                WHERE j.id = ANY(%s)
                  AND (NOT EXISTS (SELECT 1 FROM queue_job_lock l WHERE l.queue_job_id = j.id)
                       OR j.id IN (SELECT l.queue_job_id FROM queue_job_lock l
                                    WHERE l.queue_job_id = j.id
                                      FOR NO KEY UPDATE SKIP LOCKED))""",
                started.ids,
            )
        )
        return [job_id for (job_id,) in self.env.cr.fetchall()]

    def _chunk_rows(self, job):
        start = int(job.identity_key.rsplit(",", 1)[1])
        return start + 2, min(start + IMPORT_CHUNK, self.row_count) + 1

    def _check_running(self):
        """Mark failed the running imports whose chunks cannot finish any more: a job
        failed or was cancelled, a worker died, or the jobs are gone."""
        for rec in self.filtered(lambda r: r.state == "running"):
            jobs = rec._jobs()
            done = rec._done_starts()
            pending = jobs.filtered(
                lambda j, done=done: int(j.identity_key.rsplit(",", 1)[1]) not in done
            )
            dead = pending.browse(rec._dead_job_ids(pending))
            reason = False
            for job in pending.sorted("id"):
                first, last = rec._chunk_rows(job)
                if job in dead or job.exc_name == "JobFoundDead":
                    reason = _(
                        "The worker importing rows %(first)s to %(last)s stopped before the "
                        "end (killed, time limit or out of memory).",
                        first=first,
                        last=last,
                    )
                elif job.state == "failed":
                    reason = _(
                        "Rows %(first)s to %(last)s failed: %(error)s",
                        first=first,
                        last=last,
                        error=job.exc_message or job.exc_name or "",
                    )
                elif job.state == "cancelled":
                    reason = _(
                        "The job importing rows %(first)s to %(last)s was cancelled.",
                        first=first,
                        last=last,
                    )
                if reason:
                    break
            if not reason and not pending.filtered(
                lambda j: j.state in ("pending", "enqueued", "started", "wait_dependencies")
            ):
                if rec.processed_count >= rec.row_count:
                    rec.state = "done"
                    continue
                reason = _("The import's jobs are gone before the end.")
            if reason:
                rec._fail(reason, pending.filtered(lambda j: j.state != "started") | dead)
        return True

    def _fail(self, reason, jobs):
        """Mark failed with ``reason`` and cancel ``jobs`` so that queue_job does not run
        them again: the next *Import* resumes with the chunks that were not done."""
        self.ensure_one()
        for job in jobs.filtered(lambda j: j.state not in ("done", "cancelled")):
            job._change_job_state("cancelled", result=reason)
        self.write({"state": "failed", "failure_reason": reason})
        self.message_post(body=reason, subtype_xmlid="mail.mt_note")
        _logger.warning("Lead import %s failed: %s", self.id, reason)

    def action_stop(self):
        """Stop a running import; *Import* resumes it later."""
        for rec in self.filtered(lambda r: r.state == "running"):
            jobs = rec._jobs().filtered(lambda j: j.state != "started")
            rec._fail(_("Stopped by %(user)s.", user=self.env.user.name), jobs)
        return True

    @api.model
    def _cron_check_imports(self):
        self.search([("state", "=", "running")])._check_running()

    # ------------------------------------------------------------------
    # Rejected rows
    # ------------------------------------------------------------------
    @api.depends("error_ids")
    def _compute_error_file(self):
        """The rejected rows as the file had them, with their row and error first:
        UTF-8 with BOM and the file's separator so that a spreadsheet opens it as is,
        formulas neutralised."""
        for rec in self:
            if not rec.error_ids:
                rec.error_file = False
                rec.error_filename = False
                continue
            separator = rec.separator or ","
            try:
                header = rec._read_rows()[0]
            except UserError:
                header = []
            out = io.StringIO()
            writer = csv.writer(out, delimiter=separator)
            writer.writerow([spreadsheet_safe(c) for c in [_("Row"), _("Error"), *header]])
            for err in rec.error_ids.sorted("row_number"):
                cells = next(
                    csv.reader(io.StringIO(err.raw or "", newline=""), delimiter=separator), []
                )
                writer.writerow(
                    [spreadsheet_safe(c) for c in [err.row_number, err.message, *cells]]
                )
            rec.error_file = base64.b64encode(out.getvalue().encode("utf-8-sig"))
            rec.error_filename = f"rejected-{rec.filename or 'rows'}.csv".replace(
                ".csv.csv", ".csv"
            )

    def action_download_errors(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/crm.lead.import/{self.id}/error_file/{self.error_filename}"
            "?download=true",
            "target": "self",
        }
