// The club's menu, written by a script as many site builders do: no link is in the HTML.
(function () {
  var items = [["/", "Home"], ["/leden.html", "Leden"], ["/teams.html", "Teams"], ["/agenda.html", "Agenda"],
               ["/contact.html", "Contact"]];
  var nav = document.createElement("nav");
  items.forEach(function (item) {
    var a = document.createElement("a");
    a.href = item[0];
    a.textContent = item[1];
    nav.appendChild(a);
  });
  document.body.insertBefore(nav, document.body.firstChild);
})();
