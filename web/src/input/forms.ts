// forms.ts is the client request form. It checks the fields a learner typed, shows what is
// wrong next to the form, and turns a valid request into one script line (shown live, so the
// learner sees the command a click becomes) that the session applies.
import { canonicalDuration, durationPattern, line, option, quoteArg } from "../model/scriptline";
import { clear, el, memberIndex, setText } from "../render/dom";
import { clientIds } from "../render/clients";

type Field = "key" | "value" | "lease" | "ttl" | "member" | "serializable" | "prefix" | "rev" | "expect" | "once";

interface Operation {
  value: string;
  label: string;
  fields: Field[];
  keyLabel?: string;
  revLabel?: string;
}

const operations: Operation[] = [
  { value: "put", label: "put", fields: ["key", "value", "lease"] },
  { value: "get", label: "get", fields: ["key", "prefix", "serializable", "rev", "member"] },
  { value: "range", label: "range (prefix)", fields: ["key", "serializable", "rev", "member"], keyLabel: "prefix" },
  { value: "delete", label: "delete", fields: ["key", "prefix"] },
  { value: "txn", label: "txn (compare-and-swap)", fields: ["key", "expect", "value"] },
  { value: "lease-grant", label: "lease grant", fields: ["lease", "ttl"] },
  { value: "lease-keepalive", label: "lease keep-alive", fields: ["lease", "once"] },
  { value: "lease-revoke", label: "lease revoke", fields: ["lease"] },
  { value: "lock", label: "lock", fields: ["key", "ttl"], keyLabel: "lock name" },
  { value: "unlock", label: "unlock", fields: ["key"], keyLabel: "lock name" },
  { value: "watch", label: "watch", fields: ["key", "prefix", "rev"], revLabel: "from revision" },
  { value: "compact", label: "compact", fields: ["rev"], revLabel: "revision" },
];

/** defaultLockTTL is the session TTL of a lock when the form leaves it empty (the script's default). */
const defaultLockTTL = "10s";

const leasePattern = /^[A-Za-z][A-Za-z0-9_-]{0,31}$/;
const maxKeyChars = 256;
const maxValueChars = 2048;

/** ClientForm owns the request form. */
export class ClientForm {
  readonly root: HTMLFormElement;
  private readonly client: HTMLSelectElement;
  private readonly op: HTMLSelectElement;
  private readonly inputs: Record<Field, HTMLInputElement | HTMLSelectElement>;
  private readonly rows: Record<Field, HTMLElement>;
  private readonly keyLabel: HTMLSpanElement;
  private readonly revLabel: HTMLSpanElement;
  private readonly error: HTMLParagraphElement;
  private readonly preview: HTMLElement;
  private readonly submit: HTMLButtonElement;
  private members = "";

  constructor(private readonly apply: (line: string) => Promise<string | null>) {
    this.client = el("select", { id: "client-select", "data-testid": "client-select" });
    for (const id of clientIds) this.client.append(el("option", { value: id }, id));
    this.op = el("select", { id: "client-op", "data-testid": "client-op" });
    for (const o of operations) this.op.append(el("option", { value: o.value }, o.label));

    const text = (id: string, placeholder: string, extra: Record<string, string> = {}): HTMLInputElement =>
      el("input", { id, type: "text", "data-testid": id, placeholder, autocomplete: "off", spellcheck: "false", ...extra });
    const check = (id: string): HTMLInputElement => el("input", { id, type: "checkbox", "data-testid": id });
    const member = el("select", { id: "client-member", "data-testid": "client-member" }, el("option", { value: "" }, "any (client's choice)"));
    this.inputs = {
      key: text("client-key", "foo"),
      value: text("client-value", "bar"),
      lease: text("client-lease", "L1"),
      ttl: text("client-ttl", "5s"),
      member,
      serializable: check("client-serializable"),
      prefix: check("client-prefix"),
      rev: text("client-rev", "", { inputmode: "numeric" }),
      expect: text("client-txn-compare", "expected value"),
      once: check("client-once"),
    };
    this.keyLabel = el("span", {}, "key");
    this.revLabel = el("span", {}, "at revision");
    const labelled = (field: Field, label: Node | string, hint?: string): HTMLElement => {
      const input = this.inputs[field];
      const isCheck = input instanceof HTMLInputElement && input.type === "checkbox";
      return isCheck
        ? el("label", { class: "field check", for: input.id }, input, el("span", {}, label))
        : el("label", { class: "field", for: input.id }, el("span", { class: "field-label" }, label), input, hint ? el("small", {}, hint) : null);
    };
    this.rows = {
      key: labelled("key", this.keyLabel),
      value: labelled("value", "value"),
      lease: labelled("lease", "lease name"),
      ttl: labelled("ttl", "TTL", "e.g. 5s or 800ms"),
      member: labelled("member", "through member"),
      serializable: labelled("serializable", "serializable (local, may be stale)"),
      prefix: labelled("prefix", "prefix"),
      rev: labelled("rev", this.revLabel),
      expect: labelled("expect", "if value is"),
      once: labelled("once", "renew once only"),
    };
    this.error = el("p", { class: "form-error", "data-testid": "client-error", role: "alert", "aria-live": "assertive" });
    this.preview = el("code", { class: "preview", "data-testid": "client-preview" });
    this.submit = el("button", { type: "submit", class: "primary", "data-testid": "client-submit" }, "Send");
    this.root = el(
      "form",
      { class: "client-form", "aria-label": "Client request", novalidate: true },
      el(
        "div",
        { class: "form-line" },
        el("label", { class: "field", for: "client-select" }, el("span", { class: "field-label" }, "client"), this.client),
        el("label", { class: "field", for: "client-op" }, el("span", { class: "field-label" }, "request"), this.op),
      ),
      el("div", { class: "form-grid" }, ...Object.values(this.rows)),
      el("div", { class: "form-line" }, this.submit, el("span", { class: "preview-wrap" }, "runs: ", this.preview)),
      this.error,
    );
    this.inputs.key.setAttribute("aria-describedby", "client-error-text");
    this.error.id = "client-error-text";
    this.op.addEventListener("change", () => this.layout());
    this.root.addEventListener("input", () => this.showPreview());
    this.root.addEventListener("change", () => this.showPreview());
    this.root.addEventListener("submit", (ev) => {
      ev.preventDefault();
      void this.send();
    });
    this.layout();
  }

  /** setMembers refreshes the "through member" choices. */
  setMembers(ids: string[]): void {
    const sorted = [...ids].sort((a, b) => memberIndex(a) - memberIndex(b));
    const key = sorted.join(",");
    if (key === this.members) return;
    this.members = key;
    const select = this.inputs.member as HTMLSelectElement;
    const current = select.value;
    clear(select);
    select.append(el("option", { value: "" }, "any (client's choice)"));
    for (const id of sorted) select.append(el("option", { value: id }, id));
    select.value = sorted.includes(current) ? current : "";
  }

  private get operation(): Operation {
    return operations.find((o) => o.value === this.op.value) ?? operations[0]!;
  }

  private layout(): void {
    const op = this.operation;
    for (const [field, row] of Object.entries(this.rows) as Array<[Field, HTMLElement]>) {
      row.hidden = !op.fields.includes(field);
    }
    setText(this.keyLabel, op.keyLabel ?? "key");
    setText(this.revLabel, op.revLabel ?? "at revision");
    this.showError("");
    this.showPreview();
  }

  private showPreview(): void {
    const built = this.build();
    setText(this.preview, built.line ?? "—");
  }

  private showError(message: string, field?: Field): void {
    setText(this.error, message);
    for (const [name, input] of Object.entries(this.inputs) as Array<[Field, HTMLElement]>) {
      if (name === field) input.setAttribute("aria-invalid", "true");
      else input.removeAttribute("aria-invalid");
    }
  }

  /** build validates the fields and writes the script line, or says what is wrong. */
  private build(): { line?: string; error?: string; field?: Field } {
    const op = this.operation;
    const c = this.client.value;
    const v = (f: Field): string => (this.inputs[f] as HTMLInputElement).value;
    const checked = (f: Field): boolean => (this.inputs[f] as HTMLInputElement).checked;
    const key = v("key");
    const member = v("member");
    const needsKey = op.fields.includes("key");
    if (needsKey) {
      if (key === "") return { error: `Enter a ${op.keyLabel ?? "key"}.`, field: "key" };
      if (/[\r\n]/.test(key)) return { error: "A key cannot contain a line break.", field: "key" };
      if (key.length > maxKeyChars) return { error: `The key is too long (${key.length} characters; at most ${maxKeyChars}).`, field: "key" };
      if ((op.value === "lock" || op.value === "unlock") && /\s/.test(key)) return { error: "A lock name cannot contain spaces.", field: "key" };
    }
    if (op.fields.includes("value") || op.fields.includes("expect")) {
      for (const f of ["value", "expect"] as Field[]) {
        if (!op.fields.includes(f)) continue;
        const text = v(f);
        if (/[\r\n]/.test(text)) return { error: "A value cannot contain a line break.", field: f };
        if (text.length > maxValueChars) return { error: `The value is too long (${text.length} characters; at most ${maxValueChars}).`, field: f };
      }
    }
    const lease = v("lease").trim();
    if (op.fields.includes("lease")) {
      const required = op.value.startsWith("lease-");
      if (required && lease === "") return { error: "Enter a lease name, e.g. L1.", field: "lease" };
      if (lease !== "" && !leasePattern.test(lease)) return { error: "A lease name starts with a letter and has only letters, digits, - and _ (e.g. L1).", field: "lease" };
    }
    let ttl = v("ttl").trim();
    if (op.fields.includes("ttl")) {
      if (op.value === "lease-grant" && ttl === "") return { error: "Enter a TTL, e.g. 5s.", field: "ttl" };
      // A lock without a TTL gets the recipe's default session TTL, written out as the script does.
      if (op.value === "lock" && ttl === "") ttl = defaultLockTTL;
      if (!durationPattern.test(ttl) || canonicalDuration(ttl) === "") {
        return { error: "A TTL is a number with us, ms or s, e.g. 5s or 800ms.", field: "ttl" };
      }
      ttl = canonicalDuration(ttl);
    }
    const rev = v("rev").trim();
    if (op.fields.includes("rev")) {
      if (op.value === "compact" && rev === "") return { error: "Enter the revision to compact up to.", field: "rev" };
      if (rev !== "" && !/^[1-9]\d{0,15}$/.test(rev)) return { error: "A revision is a whole number of 1 or more.", field: "rev" };
    }
    const at = op.fields.includes("member") ? option("at", member) : null;
    if (op.value === "txn") {
      // Inside if="…" and then="…" words are separated by spaces, so the compare-and-swap form
      // takes simple words only.
      for (const f of ["key", "expect", "value"] as Field[]) {
        if (/[\s"\\;&]/.test(v(f))) return { error: "In a txn, the key and values must be single words (no spaces, quotes, ; or &).", field: f };
      }
      if (v("expect") === "") return { error: "Enter the value the key must have for the swap to happen.", field: "expect" };
      if (v("value") === "") return { error: "Enter the new value to write when the compare holds.", field: "value" };
    }
    const k = quoteArg(key);
    switch (op.value) {
      case "put":
        return { line: line("put", c, k, quoteArg(v("value")), option("lease", lease), at) };
      case "get":
        return { line: line("get", c, k, checked("prefix") && "prefix", option("rev", rev), checked("serializable") && "serializable", at) };
      case "range":
        return { line: line("get", c, k, "prefix", option("rev", rev), checked("serializable") && "serializable", at) };
      case "delete":
        return { line: line("delete", c, k, checked("prefix") && "prefix", at) };
      case "txn": {
        const ifText = `value(${key})=${v("expect")}`;
        return { line: line("txn", c, option("if", ifText), option("then", `put ${key} ${v("value")}`), option("else", `get ${key}`)) };
      }
      case "lease-grant":
        return { line: line("lease grant", c, lease, option("ttl", ttl)) };
      case "lease-keepalive":
        return { line: line("lease keepalive", c, lease, checked("once") && "once") };
      case "lease-revoke":
        return { line: line("lease revoke", c, lease) };
      case "lock":
        return { line: line("lock", c, k, option("ttl", ttl)) };
      case "unlock":
        return { line: line("unlock", c, k) };
      case "watch":
        return { line: line("watch", c, k, checked("prefix") && "prefix", option("from", rev)) };
      case "compact":
        return { line: line("compact", c, rev) };
      default:
        return { error: "Choose a request." };
    }
  }

  private async send(): Promise<void> {
    const built = this.build();
    if (!built.line) {
      this.showError(built.error ?? "Check the fields.", built.field);
      if (built.field) this.inputs[built.field].focus();
      return;
    }
    this.showError("");
    this.submit.disabled = true;
    setText(this.submit, "Sending…");
    try {
      const err = await this.apply(built.line);
      if (err) this.showError(`The engine refused “${built.line}”: ${err}`);
    } finally {
      this.submit.disabled = false;
      setText(this.submit, "Send");
    }
  }
}
