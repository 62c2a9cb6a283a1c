// Live preview beside every money box (core.forms.MoneyInput): what the portal will read, in 元 and
// 万元, so that "30万" is seen to mean 300,000.00 and a missing zero stands out. The server parses the
// same forms (core/money.py parse_amount); this script only shows.
(function () {
  "use strict";
  const AMOUNT = /^(?:¥|CNY|RMB)?\s*(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)\s*(万元|万|亿元|亿|元)?$/i;
  const SCALE = { "": 0, "元": 0, "万": 4, "万元": 4, "亿": 8, "亿元": 8 };
  const PREVIEW_FROM_CENTS = 1000000n; // 10,000 yuan: smaller amounts need no help

  function group(digits) {
    return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  }

  // Amount in cents (BigInt), or null when the text is not an amount with at most two decimal places.
  function cents(text) {
    const value = text.normalize("NFKC").trim().replace(/，/g, ",");
    const match = AMOUNT.exec(value);
    if (!match) return null;
    const [whole, fraction = ""] = match[1].replace(/,/g, "").split(".");
    const shift = SCALE[match[2] || ""] + 2 - fraction.length; // digits × 10^shift = cents
    let digits = BigInt((whole || "0") + fraction);
    if (shift >= 0) return digits * 10n ** BigInt(shift);
    const divisor = 10n ** BigInt(-shift);
    return digits % divisor === 0n ? digits / divisor : null;
  }

  function yuanText(c) {
    const fen = (c % 100n).toString().padStart(2, "0");
    return group((c / 100n).toString()) + "." + fen;
  }

  function wanText(c) {
    const whole = c / 1000000n;
    const rest = (c % 1000000n).toString().padStart(6, "0").replace(/0+$/, "");
    return group(whole.toString()) + (rest ? "." + rest : "");
  }

  function update(input) {
    const preview = document.getElementById(input.id + "_preview");
    if (!preview) return;
    const text = input.value.trim();
    const amount = text ? cents(text) : null;
    if (!text) {
      preview.hidden = true;
    } else if (amount === null) {
      preview.textContent = preview.dataset.invalid;
      preview.className = "form-text money-preview text-danger";
      preview.hidden = false;
    } else if (amount >= PREVIEW_FROM_CENTS || /[万亿]/.test(text)) {
      preview.textContent = preview.dataset.format
        .replace("%(yuan)s", yuanText(amount)).replace("%(wan)s", wanText(amount));
      preview.className = "form-text money-preview";
      preview.hidden = false;
    } else {
      preview.hidden = true;
    }
  }

  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("input[data-money]")) update(event.target);
  });
  document.querySelectorAll("input[data-money]").forEach(update);
})();
