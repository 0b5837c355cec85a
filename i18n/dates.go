package i18n

import (
	"strconv"
	"time"
)

// Date is a day as GOV.UK writes it, "2 January 2006", in l: "2 Ionawr 2006" in Welsh.
func Date(l Lang, t time.Time) string {
	return strconv.Itoa(t.Day()) + " " + In(l, "month."+strconv.Itoa(int(t.Month()))) + " " + strconv.Itoa(t.Year())
}

// DateTime is a day and time, "2 January 2006 at 15:04", in l.
func DateTime(l Lang, t time.Time) string {
	return In(l, "date.at", "Date", Date(l, t), "Time", t.Format("15:04"))
}
