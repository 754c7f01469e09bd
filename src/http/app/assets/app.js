// Parcours — the coordinators' web app. Progressive: every page works without this script;
// it only adds conveniences on top of the forms.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  // A page that reports an error puts the focus on it, so that a keyboard or screen-reader
  // user meets it first.
  const alert = document.querySelector("[role=alert]");
  if (alert) {
    alert.setAttribute("tabindex", "-1");
    alert.focus();
  }
});
