// The dashboard's only script: live updates (server-sent events) and the browser upload.
"use strict";

(function () {
  const prefix = document.body.dataset.prefix || "/_vodfc";

  // --- live: refresh the page's live region when the parts it shows change -------------------------
  const region = document.getElementById("live");
  if (region && window.EventSource) {
    const wanted = (region.dataset.live || "").split(" ").filter(Boolean);
    const status = document.getElementById("live-status");
    let fetching = false;
    let again = false;
    const refresh = async function () {
      if (fetching) { again = true; return; }
      fetching = true;
      try {
        const answer = await fetch(window.location.href, { credentials: "same-origin", cache: "no-store" });
        if (!answer.ok) { return; }
        const html = new DOMParser().parseFromString(await answer.text(), "text/html");
        const fresh = html.getElementById("live");
        const current = document.getElementById("live");
        const focused = current && current.contains(document.activeElement) && document.activeElement !== document.body;
        if (fresh && current && !focused) {
          current.innerHTML = fresh.innerHTML;
          if (status) { status.textContent = "Updated " + new Date().toLocaleTimeString(); }
        }
      } catch (error) {
        // The next change tries again.
      } finally {
        fetching = false;
        if (again) { again = false; refresh(); }
      }
    };
    // The URL carries the marks of what the page shows (seen=...); each change event's id, the marks
    // its stream is at. The browser reconnects an ended stream by itself (sending the last id), but not
    // a refused one (a busy server's 503): that one is opened again here, from the last marks known.
    const liveUrl = new URL(document.body.dataset.liveUrl || prefix + "/ui/live", window.location.href);
    let source = null;
    let closed = false;
    const connect = function (since) {
      if (since) { liveUrl.searchParams.set("seen", since); }
      source = new EventSource(liveUrl.toString());
      let last = "";
      source.addEventListener("change", function (message) {
        last = message.lastEventId || last;
        let parts = [];
        try { parts = JSON.parse(message.data); } catch (error) { return; }
        if (parts.some(function (part) { return wanted.indexOf(part) >= 0; })) { refresh(); }
      });
      source.addEventListener("error", function () {
        if (source.readyState === EventSource.CLOSED && !closed) {
          setTimeout(function () { if (!closed) { connect(last); } }, 2000);
        }
      });
    };
    connect("");
    window.addEventListener("pagehide", function () { closed = true; source.close(); });
  }

  // --- upload: CreateUploadVideo through the dashboard, then PUT the file to OSS -------------------
  const form = document.getElementById("upload");
  if (form) {
    const say = function (text) { document.getElementById("upload-status").textContent = text; };
    form.addEventListener("submit", async function (submitted) {
      submitted.preventDefault();
      const file = document.getElementById("upload-file").files[0];
      if (!file) { say("Choose a file first."); return; }
      const title = document.getElementById("upload-title").value.trim();
      say("CreateUploadVideo…");
      try {
        const created = await fetch(form.dataset.uploads, {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ Title: title, FileName: file.name }),
        });
        const plan = await created.json();
        if (!created.ok) { say("CreateUploadVideo failed: " + plan.Code + ": " + plan.Message); return; }
        say("Uploading " + file.name + " to OSS…");
        const put = await fetch(plan.PutURL, {
          method: "PUT",
          headers: { "Content-Type": plan.ContentType },
          body: file,
        });
        if (!put.ok) { say("OSS refused the upload: HTTP " + put.status + " " + (await put.text())); return; }
        say("Uploaded: video " + plan.VideoId + ".");
        window.location.assign(plan.PageURL);
      } catch (error) {
        say("Upload failed: " + error);
      }
    });
  }
})();
