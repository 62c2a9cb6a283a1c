// A KPI report's chart: the share of each commitment reached, in percent (Chart.js from npm).
(function () {
  const canvas = document.getElementById("completion-chart");
  const source = document.getElementById("completion-data");
  if (!canvas || !source || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  new Chart(canvas, {
    type: "bar",
    data: { labels: data.labels, datasets: [{ label: data.label, data: data.data, backgroundColor: "#0d6efd" }] },
    options: {
      indexAxis: "y",
      animation: false,
      plugins: { title: { display: true, text: data.title } },
      scales: { x: { suggestedMin: 0, suggestedMax: 100 } },
    },
  });
})();
