# Dates, times and money. Weekdays are numbered from Monday (1) to Sunday (7).
weekday-1 = Monday
weekday-2 = Tuesday
weekday-3 = Wednesday
weekday-4 = Thursday
weekday-5 = Friday
weekday-6 = Saturday
weekday-7 = Sunday
month-1 = January
month-2 = February
month-3 = March
month-4 = April
month-5 = May
month-6 = June
month-7 = July
month-8 = August
month-9 = September
month-10 = October
month-11 = November
month-12 = December
# "Monday 1 March 2027"
date-long = { $weekday } { $day } { $month } { $year }
# "Monday 1 March 2027, 19:00"
date-time = { $date }, { $time }
# One day, two times: "Sunday 1 June 2031, 18:00–23:00"
date-time-span = { $date }, { $start }–{ $end }
# Two moments
date-span = { $start } – { $end }
# A time with its zone: $zone is the IANA name (America/New_York), $city its last part (New York)
in-zone = { $when } ({ $zone })
decimal-separator = .
money = { $amount } { $currency }
