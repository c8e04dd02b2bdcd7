// The console's chat: posts a message with fetch (the thread's message route answers the POST
// itself with Server-Sent Events, which EventSource cannot send) and writes the answer's
// message.delta pieces into the page as they arrive. No library; kept in the repo.
(function () {
  "use strict";
  var form = document.getElementById("chat-form");
  if (!form) { return; }
  var chat = document.getElementById("chat");
  var errorBox = document.getElementById("chat-error");
  var send = document.getElementById("send");

  function bubble(role, text) {
    var li = document.createElement("li");
    li.className = "msg msg-" + role;
    var who = document.createElement("span");
    who.className = "who";
    who.textContent = role;
    var body = document.createElement("div");
    body.className = "text";
    body.textContent = text;
    li.appendChild(who);
    li.appendChild(body);
    chat.appendChild(li);
    return body;
  }

  function fail(message) {
    errorBox.textContent = message;
    errorBox.hidden = false;
  }

  function handle(name, data, answer) {
    if (name === "message.delta") {
      answer.textContent += data.text || "";
    } else if (name === "tool.call") {
      answer.textContent += "\n[tool " + data.name + "]\n";
    } else if (name === "message.completed") {
      answer.parentNode.dataset.done = "true";
    } else if (name === "error") {
      fail(data.message || "The answer failed.");
    }
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var content = form.content.value;
    if (!content.trim()) { return; }
    errorBox.hidden = true;
    send.disabled = true;
    bubble("user", content);
    var answer = bubble("assistant", "");
    answer.parentNode.id = "streaming";
    form.content.value = "";
    fetch(form.action, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "X-CSRF-Token": form.dataset.csrf, "Accept": "text/event-stream" },
      body: new URLSearchParams({ content: content }),
      credentials: "same-origin"
    }).then(function (response) {
      if (!response.ok || !response.body) {
        return response.text().then(function (t) {
          var doc = new DOMParser().parseFromString(t, "text/html");
          var p = doc.querySelector("main p:not(.status)");
          fail((p && p.textContent) || ("The server answered " + response.status));
        });
      }
      var reader = response.body.getReader();
      var decoder = new TextDecoder();
      var buffer = "";
      var name = "message";
      function pump() {
        return reader.read().then(function (chunk) {
          if (chunk.done) { return; }
          buffer += decoder.decode(chunk.value, { stream: true });
          var lines = buffer.split("\n");
          buffer = lines.pop();
          lines.forEach(function (line) {
            if (line.indexOf("event:") === 0) {
              name = line.slice(6).trim();
            } else if (line.indexOf("data:") === 0) {
              var data = {};
              try { data = JSON.parse(line.slice(5)); } catch (ignored) { data = { text: line.slice(5) }; }
              handle(name, data, answer);
            } else if (line === "") {
              name = "message";
            }
          });
          return pump();
        });
      }
      return pump();
    }).catch(function (err) {
      fail("The answer stopped: " + err.message);
    }).finally(function () {
      send.disabled = false;
      answer.parentNode.removeAttribute("id");
    });
  });
})();
