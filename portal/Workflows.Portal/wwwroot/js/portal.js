// The few things the portal asks of the browser that .NET in WebAssembly does not do itself.
window.portal = {
  // Minutes east of UTC, as the person's clock is set.
  offsetMinutes: () => -new Date().getTimezoneOffset(),
  // Opens a file the API answered (a blob URL) in a new tab, or saves it under its name.
  openBlob: (bytes, contentType, name, save) => {
    const url = URL.createObjectURL(new Blob([bytes], { type: contentType }));
    if (save) {
      const a = document.createElement('a');
      a.href = url; a.download = name; document.body.appendChild(a); a.click(); a.remove();
    } else {
      window.open(url, '_blank', 'noopener');
    }
    setTimeout(() => URL.revokeObjectURL(url), 60000);
  },
  // An object URL for a preview inside the page (an <img> or <iframe>); the page revokes it when done.
  blobUrl: (bytes, contentType) => URL.createObjectURL(new Blob([bytes], { type: contentType })),
  revoke: (url) => URL.revokeObjectURL(url),
  // Loads a script once (the sign-in library, only where an OpenID authority is configured).
  loadScript: (src) => new Promise((resolve, reject) => {
    const s = document.createElement('script');
    s.src = src; s.onload = () => resolve(); s.onerror = () => reject(new Error('failed to load ' + src));
    document.body.appendChild(s);
  }),
  focus: (id) => { const e = document.getElementById(id); if (e) { e.focus(); e.scrollIntoView({ block: 'center' }); } },
};
