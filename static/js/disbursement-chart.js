// The fund ledger's chart: released, due and planned money per track, stacked (Chart.js from npm).
(function () {
  const canvas = document.getElementById("disbursement-chart");
  const source = document.getElementById("disbursement-data");
  if (!canvas || !source || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  const colours = { released: "#198754", due: "#fd7e14", planned: "#adb5bd" };
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: ["released", "due", "planned"].map(key => ({
        label: data.names[key], data: data[key], backgroundColor: colours[key],
      })),
    },
    options: {
      indexAxis: "y",
      animation: false,
      plugins: { title: { display: true, text: data.title } },
      scales: { x: { stacked: true }, y: { stacked: true } },
    },
  });
})();
