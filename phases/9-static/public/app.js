// A module script runs only when the server sends it as JavaScript: with any other
// Content-Type, Chromium refuses it, and this line never appears.
document.body.dataset.script = "ran";
const line = document.createElement("p");
line.textContent = "app.js ran: your server sent it as JavaScript.";
document.body.append(line);
