// The preview's script: reloads the page when a form file of the folder is saved. The server sends a
// "change" event on /events once the folder is newer than the page. Without JavaScript, refresh the page.
const live = document.getElementById('preview-live')
if (live && typeof window.EventSource === 'function') {
  const events = new window.EventSource(live.dataset.events + '?since=' + encodeURIComponent(live.dataset.generation))
  events.addEventListener('change', () => {
    events.close()
    window.location.reload()
  })
}
