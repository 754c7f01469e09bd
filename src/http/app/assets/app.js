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
  pinByDragging();
});

// « Fixer une visite » by drag and drop: a visit block dropped on another day of its
// référent's row fills the pin form (that day, the visit's start time) and sends it. The form
// itself is the keyboard's way: Enter on a focused block selects it there.
function pinByDragging() {
  const form = document.getElementById("pin-form");
  if (!form) return;
  const family = form.querySelector("[name=family]");
  const date = form.querySelector("[name=date]");
  const time = form.querySelector("[name=time]");
  let dragged = null;
  for (const block of document.querySelectorAll("li.visit[data-family]")) {
    block.addEventListener("dragstart", (e) => {
      dragged = block;
      block.setAttribute("aria-grabbed", "true");
      e.dataTransfer.setData("text/plain", block.dataset.family);
      e.dataTransfer.effectAllowed = "move";
    });
    block.addEventListener("dragend", () => {
      block.removeAttribute("aria-grabbed");
      dragged = null;
      for (const td of document.querySelectorAll("td.drop")) td.classList.remove("drop");
    });
    block.addEventListener("keydown", (e) => {
      if (e.key !== "Enter") return;
      e.preventDefault();
      family.value = block.dataset.family;
      time.value = block.dataset.start;
      date.value = block.closest("td").dataset.date;
      date.focus();
    });
  }
  for (const cell of document.querySelectorAll("tr[data-referent] td[data-date]")) {
    const sameRow = () => dragged && dragged.closest("tr") === cell.closest("tr");
    cell.addEventListener("dragover", (e) => {
      if (!sameRow()) return;
      e.preventDefault();
      cell.classList.add("drop");
    });
    cell.addEventListener("dragleave", () => cell.classList.remove("drop"));
    cell.addEventListener("drop", (e) => {
      if (!sameRow()) return;
      e.preventDefault();
      family.value = dragged.dataset.family;
      time.value = dragged.dataset.start;
      date.value = cell.dataset.date;
      form.requestSubmit();
    });
  }
}
