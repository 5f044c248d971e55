// Progress of a background job: polls its status and updates the bar in place.
// Without JavaScript the page refreshes itself (a <noscript> meta refresh) instead.

(() => {
  const job = document.querySelector("[data-job-status-url]");
  if (!job) {
    return;
  }
  const url = job.dataset.jobStatusUrl;
  const interval = 1000 * Number(job.dataset.refreshSeconds || 3);
  const bar = job.querySelector("progress");
  const field = (name) => job.querySelector(`[data-job-field="${name}"]`);

  const poll = async () => {
    let status;
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" } });
      if (!response.ok) {
        throw new Error(String(response.status));
      }
      status = await response.json();
    } catch {
      window.setTimeout(poll, interval * 2);
      return;
    }
    if (status.finished) {
      // The server renders the result: the download link or what went wrong.
      window.location.reload();
      return;
    }
    bar.value = status.percent;
    bar.textContent = `${status.percent} %`;
    field("status_label").textContent = status.status_label;
    field("steps").textContent = status.steps_text;
    window.setTimeout(poll, interval);
  };

  window.setTimeout(poll, interval);
})();
