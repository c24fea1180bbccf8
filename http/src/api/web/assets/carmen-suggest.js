// "Is this what you mean?" As a citizen describes their problem, the city's published articles
// that share its words are offered before they send (a known problem needs no report). Without
// JavaScript the form lists the service's own articles above it instead.
(function () {
  const field = document.querySelector('textarea[data-suggest]');
  const out = document.getElementById('suggestions');
  if (!field || !out) return;
  const city = location.pathname.split('/')[1];
  let timer = null;
  let asked = '';

  function render(articles) {
    out.replaceChildren();
    if (articles.length === 0) {
      out.hidden = true;
      return;
    }
    const heading = document.createElement('h2');
    heading.textContent = out.dataset.heading;
    const list = document.createElement('ul');
    for (const article of articles) {
      const item = document.createElement('li');
      const link = document.createElement('a');
      link.href = `/${city}/help/${article.article}?from=${encodeURIComponent(field.dataset.service)}`;
      link.lang = article.language;
      link.textContent = article.title;
      item.append(link);
      if (article.known_issue) {
        const known = document.createElement('strong');
        known.className = 'tag';
        known.textContent = out.dataset.known;
        item.append(' ', known);
      }
      list.append(item);
    }
    out.append(heading, list);
    out.hidden = false;
  }

  field.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const text = field.value.trim().slice(0, 200);
      if (text.length < 12 || text === asked) return;
      asked = text;
      const url = `/api/v1/cities/${encodeURIComponent(city)}/search?any=true` +
        `&language=${encodeURIComponent(field.dataset.language)}&q=${encodeURIComponent(text)}`;
      try {
        const answer = await fetch(url, { headers: { accept: 'application/json' } });
        if (answer.ok) render((await answer.json()).articles.slice(0, 3));
      } catch (_) {
        // The form works without suggestions.
      }
    }, 400);
  });
})();
