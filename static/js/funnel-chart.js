// The officer dashboard's funnel: a stacked bar per program from the table's figures (Chart.js from npm).
(function () {
  const canvas = document.getElementById("funnel-chart");
  const source = document.getElementById("funnel-data");
  if (!canvas || !source || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  const colours = {
    draft: "#adb5bd", submitted: "#0d6efd", returned: "#fd7e14",
    passed: "#198754", refused: "#dc3545", withdrawn: "#6c757d",
    approved: "#0f5132", not_funded: "#495057",
  };
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: data.programs,
      datasets: data.series.map(s => ({ label: s.label, data: s.data, backgroundColor: colours[s.state] })),
    },
    options: {
      indexAxis: "y",
      animation: false,
      plugins: { title: { display: true, text: data.title } },
      scales: { x: { stacked: true, ticks: { precision: 0 } }, y: { stacked: true } },
    },
  });
})();
