"""The hackathon weekend: sign-up with a waiting list, the programme, check-in, attendee data."""
